import ArgumentParser

/// The process exit codes of `skat` (documented in docs/cli.md).
enum SkatExit {
    static let ok: Int32 = 0
    static let error: Int32 = 1
    static let budgetExhausted: Int32 = 2
    /// Structured output (`--schema`) still failed validation after its retries.
    static let structuredOutputInvalid: Int32 = 3
    static let usage: Int32 = 64
    static let interrupted: Int32 = 130
}

/// A one-line error for the user and the exit code that goes with it.
struct SkatFailure: Error, CustomStringConvertible {
    let message: String
    let code: Int32

    init(_ message: String, code: Int32 = SkatExit.error) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

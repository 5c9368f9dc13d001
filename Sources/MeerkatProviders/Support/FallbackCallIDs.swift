/// Ids for tool calls a provider streamed without one: `call_<8 hex digits>_<n>`, unique per stream.
///
/// The random part is drawn only when a call needs it: most providers send their own ids, and drawing one per stream
/// (Foundation's `UUID()` opens `/dev/urandom` on Linux) cost three system calls on every model call.
struct FallbackCallIDs {
    private var prefix: String?

    /// The id of the `n`th call of the stream.
    mutating func id(_ n: Int) -> String {
        let prefix: String
        if let existing = self.prefix {
            prefix = existing
        } else {
            let digits = String(UInt32.random(in: .min ... .max), radix: 16)
            prefix = "call_" + String(repeating: "0", count: 8 - digits.count) + digits
            self.prefix = prefix
        }
        return "\(prefix)_\(n)"
    }
}

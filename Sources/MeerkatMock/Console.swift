import Foundation
import MeerkatService

/// Unbuffered writes to stdout and stderr.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One line of at most `limit` characters.
    static func preview(_ text: String, limit: Int = 120) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}

/// A failure printed as `meerkat-mock: …` with exit code 1.
struct MockFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Console {
    /// A value as compact, key-sorted JSON ("-" when it cannot be encoded).
    static func json(_ value: some Encodable) -> String {
        guard let data = try? WireJSON.encoder().encode(value) else { return "-" }
        return String(decoding: data, as: UTF8.self)
    }
}

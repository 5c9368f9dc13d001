import Foundation

/// The shared secret a server requires as `Authorization: Bearer <token>`.
///
/// The token is compared in constant time (every byte is looked at whatever the first difference), and it is never
/// printed: `description` is redacted, so it cannot leak into a log or an error by accident.
public struct BearerToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// A token from its text (surrounding whitespace, such as a file's final newline, is dropped). Nil when empty.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        bytes = Array(trimmed.utf8)
    }

    /// Reads a token file.
    public static func load(file: String) throws -> BearerToken {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw APIError(status: 500, code: "config_error", message: "cannot read token file \(file)")
        }
        guard let token = BearerToken(text) else {
            throw APIError(status: 500, code: "config_error", message: "token file \(file) is empty")
        }
        return token
    }

    /// Whether an `Authorization` header value carries this token.
    public func authorizes(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.utf8.dropFirst(7))
        var difference = UInt8(given.count == bytes.count ? 0 : 1)
        for index in 0..<max(given.count, bytes.count) {
            let left = index < given.count ? given[index] : 0
            let right = index < bytes.count ? bytes[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }

    public var description: String { "<redacted>" }
}

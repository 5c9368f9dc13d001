import Foundation

/// Token checks for the TCP transport.
public enum RPCAuth {
    /// Compares two tokens in time that depends only on their lengths, never on where they first differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        let count = max(left.count, right.count)
        for index in 0..<count {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// True for addresses only this machine reaches (`127.0.0.0/8`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The token from `--auth-token-file` (trimmed) or else `SKAT_AUTH_TOKEN`; nil when neither is set. An empty
    /// token is refused.
    public static func token(file: String?, environment: [String: String]) throws -> String? {
        let raw: String?
        if let file {
            raw = try String(contentsOfFile: file, encoding: .utf8)
        } else {
            raw = environment["SKAT_AUTH_TOKEN"]
        }
        guard let raw else { return nil }
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw RPCConfigurationError("the auth token is empty") }
        return token
    }
}

/// A server option that cannot work (for example a non-loopback address without a token).
public struct RPCConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

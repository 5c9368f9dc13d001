import Foundation
/// RFC 6901 JSON Pointer helpers shared by schema compilation (`$ref` targets) and validation (instance paths).
enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Unescapes one reference token; `nil` when it holds a `~` not followed by `0` or `1`.
    static func unescape(_ token: Substring) -> String? {
        guard token.contains("~") else { return String(token) }
        var output = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                output.append(character)
                continue
            }
            switch iterator.next() {
            case "0": output.append("~")
            case "1": output.append("/")
            default: return nil
            }
        }
        return output
    }

    /// Splits a pointer (`/a/b~1c`) into unescaped tokens; `nil` when it is malformed.
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for part in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = unescape(part) else { return nil }
            tokens.append(token)
        }
        return tokens
    }

    /// The value `tokens` lead to inside `document`, if any. Array indices must be plain decimal numbers.
    static func resolve(_ tokens: [String], in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let member = members[token] else { return nil }
                current = member
            case .array(let elements):
                // RFC 6901: no sign and no leading zeros, so `01` and `+1` do not name an element.
                guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
                    token == "0" || !token.hasPrefix("0"), let index = Int(token), index < elements.count
                else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}

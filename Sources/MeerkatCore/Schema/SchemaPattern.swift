import Foundation

/// A `pattern` / `patternProperties` regular expression, compiled once when the schema is compiled.
///
/// JSON Schema patterns are ECMA-262 regular expressions; `NSRegularExpression` speaks ICU. The source is
/// rewritten so the differences that matter for validation behave as in ECMA-262 (see `icuSource(fromECMA:)`).
struct SchemaPattern: Sendable {
    /// The pattern as written in the schema (used in messages).
    let source: String
    // NSRegularExpression is immutable after creation and safe to match from several threads (CoreFoundation
    // checks the ICU matcher out atomically and clones it when busy). The toolchain's Foundation declares it
    // Sendable, so this storage is checked by the compiler, with no unchecked conformance here.
    private let regex: NSRegularExpression

    /// Compiles `source`; `nil` when it is not a valid regular expression.
    init?(_ source: String) {
        guard let regex = try? NSRegularExpression(pattern: Self.icuSource(fromECMA: source)) else { return nil }
        self.source = source
        self.regex = regex
    }

    /// True when the pattern matches anywhere in `text` (JSON Schema patterns are not implicitly anchored).
    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }

    /// Rewrites an ECMA-262 pattern into ICU syntax with the same meaning for the common constructs:
    /// - `$` outside a class is end of input (ICU would also match before a final newline): becomes `\z`.
    /// - `\d`, `\w` and their negations are ASCII-only in ECMA-262 (ICU uses Unicode classes).
    /// - `[` and `&` inside a class are literals in ECMA-262 but set syntax in ICU: they are escaped.
    /// - `[]` never matches and `[^]` matches any character, which ICU does not accept as written.
    static func icuSource(fromECMA source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var output = ""
        var inClass = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                let next = scalars[index + 1]
                switch next {
                case "d": output += "[0-9]"
                case "D": output += "[^0-9]"
                case "w": output += "[a-zA-Z0-9_]"
                case "W": output += "[^a-zA-Z0-9_]"
                default:
                    output.unicodeScalars.append(scalar)
                    output.unicodeScalars.append(next)
                }
                index += 2
                continue
            }
            if inClass {
                switch scalar {
                case "]": inClass = false
                case "[", "&": output += "\\"
                default: break
                }
                output.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            switch scalar {
            case "[":
                let rest = scalars[(index + 1)...]
                if rest.starts(with: ["]"]) {
                    output += "(?!)"
                    index += 2
                } else if rest.starts(with: ["^", "]"]) {
                    output += "[\\s\\S]"
                    index += 3
                } else {
                    inClass = true
                    output += "["
                    index += 1
                    // A leading `^` belongs to the class syntax and must not be escaped or reinterpreted.
                    if rest.first == "^" {
                        output += "^"
                        index += 1
                    }
                }
            case "$":
                output += "\\z"
                index += 1
            default:
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
        return output
    }
}

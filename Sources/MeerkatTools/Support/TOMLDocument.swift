import Foundation
public import MeerkatCore
import TOMLKit

/// Converts between TOML text and `JSONValue` trees (config files and `mcp.toml` are read and written this way).
public enum TOMLDocument {
    /// TOML text that does not parse, with the parser's explanation and position.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses TOML text into a JSON object tree.
    public static func parseObject(_ text: String) throws(ParseError) -> [String: JSONValue] {
        let json: String
        do {
            json = try TOMLTable(string: text).convert(to: .json)
        } catch let error as TOMLParseError {
            throw ParseError(message: "\(error.description) at \(error.source.begin.debugDescription)")
        } catch {
            throw ParseError(message: "\(error)")
        }
        do {
            return try JSONValue.parse(json).objectValue ?? [:]
        } catch {
            throw ParseError(message: error.message)
        }
    }

    /// Renders a JSON object tree as TOML: scalars first, then one `[table]` per nested object, keys sorted.
    /// Nulls are omitted (TOML has none).
    public static func render(_ object: [String: JSONValue]) -> String {
        var out = ""
        render(object, path: [], into: &out)
        return out
    }

    private static func render(_ object: [String: JSONValue], path: [String], into out: inout String) {
        let keys = object.keys.sorted()
        var scalars: [String] = []
        for key in keys {
            guard let value = object[key] else { continue }
            switch value {
            case .null, .object: continue
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                continue
            default: scalars.append("\(quoteKey(key)) = \(inline(value))")
            }
        }
        if !scalars.isEmpty || (path.isEmpty == false && object.isEmpty) {
            if !path.isEmpty {
                if !out.isEmpty { out += "\n" }
                out += "[\(path.map(quoteKey).joined(separator: "."))]\n"
            }
            out += scalars.joined(separator: "\n") + (scalars.isEmpty ? "" : "\n")
        }
        for key in keys {
            switch object[key] {
            case .object(let nested): render(nested, path: path + [key], into: &out)
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                for item in items {
                    if !out.isEmpty { out += "\n" }
                    out += "[[\((path + [key]).map(quoteKey).joined(separator: "."))]]\n"
                    let members = item.objectValue ?? [:]
                    for member in members.keys.sorted() {
                        if let value = members[member], value != .null {
                            out += "\(quoteKey(member)) = \(inline(value))\n"
                        }
                    }
                }
            default: continue
            }
        }
    }

    private static func inline(_ value: JSONValue) -> String {
        switch value {
        case .null: return "\"\""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if let int = value.intValue { return String(int) }
            return String(number)
        case .string(let text): return quote(text)
        case .array(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .object(let members):
            return "{ "
                + members.keys.sorted().compactMap { key in
                    members[key].map { "\(quoteKey(key)) = \(inline($0))" }
                }.joined(separator: ", ") + " }"
        }
    }

    /// A key, bare when TOML allows it, quoted otherwise.
    public static func quoteKey(_ key: String) -> String {
        let bare =
            !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return bare ? key : quote(key)
    }

    /// A TOML basic string.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

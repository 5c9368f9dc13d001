import Foundation
import MeerkatCore
import TOMLKit

/// Converts between TOML text and `JSONValue` trees (the form in which config layers are merged and patched).
public enum TOMLDocument {
    /// Parses TOML text into a JSON object tree.
    public static func parse(_ text: String, source: String) throws(ConfigError) -> [String: JSONValue] {
        let json: String
        do {
            json = try TOMLTable(string: text).convert(to: .json)
        } catch let error as TOMLParseError {
            throw .parse(source: source, message: "\(error.description) at \(error.source.begin.debugDescription)")
        } catch {
            throw .parse(source: source, message: "\(error)")
        }
        do {
            return try JSONValue.parse(json).objectValue ?? [:]
        } catch {
            throw .parse(source: source, message: error.message)
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

    private static func quoteKey(_ key: String) -> String {
        let bare =
            !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return bare ? key : quote(key)
    }

    private static func quote(_ text: String) -> String {
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

extension JSONValue {
    /// RFC 7396 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces.
    public func mergePatched(with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var base = objectValue ?? [:]
        for (key, change) in changes {
            if change == .null {
                base.removeValue(forKey: key)
            } else {
                base[key] = (base[key] ?? .null).mergePatched(with: change)
            }
        }
        return .object(base)
    }

    /// Deep merge for config layering: `top` wins; objects merge recursively, anything else replaces.
    public func overlaid(with top: JSONValue) -> JSONValue {
        guard case .object(let upper) = top, case .object(var lower) = self else { return top }
        for (key, value) in upper { lower[key] = (lower[key] ?? .null).overlaid(with: value) }
        return .object(lower)
    }
}

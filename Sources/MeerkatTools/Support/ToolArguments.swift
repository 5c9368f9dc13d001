import MeerkatCore

/// Typed access to a tool call's arguments that names the offending field on every failure.
///
/// The dispatcher already validates `type` and `required`; this repeats the checks a tool relies on
/// (unknown keys, integer ranges, enums) so a tool is safe even when called directly.
struct ToolArguments {
    private let values: [String: JSONValue]

    /// Wraps `arguments`, rejecting anything but an object and any key the schema does not declare.
    init(_ arguments: JSONValue, schema: JSONValue) throws(ToolError) {
        guard case .object(let values) = arguments else {
            throw .invalidArguments("arguments must be a JSON object, got \(arguments.typeName)")
        }
        let known = Set(schema["properties"]?.objectValue?.keys.map { $0 } ?? [])
        let unknown = values.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            let expected = known.isEmpty ? "no arguments" : known.sorted().joined(separator: ", ")
            throw .invalidArguments(
                "unknown argument\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", "))"
                    + " (expected: \(expected))")
        }
        self.values = values
    }

    /// The value of `key`, treating JSON `null` as absent.
    private func value(_ key: String) -> JSONValue? {
        guard let value = values[key], value != .null else { return nil }
        return value
    }

    /// A required string.
    func requiredString(_ key: String) throws(ToolError) -> String {
        guard let text = try string(key) else { throw .invalidArguments("missing required argument '\(key)'") }
        return text
    }

    /// An optional string.
    func string(_ key: String) throws(ToolError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else {
            throw .invalidArguments("'\(key)' must be a string, got \(value.typeName)")
        }
        return text
    }

    /// An optional integer within `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(ToolError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue else {
            throw .invalidArguments("'\(key)' must be an integer, got \(value.typeName)")
        }
        guard range.contains(number) else {
            throw .invalidArguments(
                "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    /// An optional number within `range`.
    func number(_ key: String, in range: ClosedRange<Double>) throws(ToolError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.numberValue, number.isFinite else {
            throw .invalidArguments("'\(key)' must be a number, got \(value.typeName)")
        }
        guard range.contains(number) else {
            throw .invalidArguments(
                "'\(key)' must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound)),"
                    + " got \(Self.format(number))")
        }
        return number
    }

    /// An optional boolean.
    func bool(_ key: String) throws(ToolError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else {
            throw .invalidArguments("'\(key)' must be a boolean, got \(value.typeName)")
        }
        return flag
    }

    /// An optional array of strings.
    func stringArray(_ key: String) throws(ToolError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let items = value.arrayValue else {
            throw .invalidArguments("'\(key)' must be an array of strings, got \(value.typeName)")
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw .invalidArguments("'\(key)[\(index)]' must be a string, got \(item.typeName)")
            }
            strings.append(text)
        }
        return strings
    }

    /// An optional string that must be the raw value of `T`.
    func enumeration<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ToolError) -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let parsed = T(rawValue: text) else {
            let allowed = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw .invalidArguments("'\(key)' must be one of \(allowed), got '\(text)'")
        }
        return parsed
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}

import Foundation
import MeerkatCore

/// Reads typed values out of one config object, tracking which keys were used so that unknown keys are errors
/// that name their full path.
struct ConfigReader {
    let source: String
    let path: String
    let object: [String: JSONValue]
    private(set) var used: Set<String> = []

    init(source: String, path: String, value: JSONValue?) throws(ConfigError) {
        self.source = source
        self.path = path
        switch value {
        case nil, .null?: self.object = [:]
        case .object(let object)?: self.object = object
        case let other?:
            throw .invalidValue(source: source, path: path, message: "expected a table, got \(other.typeName)")
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func raw(_ key: String) -> JSONValue? {
        used.insert(key)
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.stringValue else { throw mismatch(key, "a string", value) }
        return text
    }

    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let flag = value.boolValue else { throw mismatch(key, "true or false", value) }
        return flag
    }

    mutating func int(_ key: String, min: Int? = nil, max: Int? = nil) throws(ConfigError) -> Int? {
        guard let value = raw(key) else { return nil }
        guard let number = value.intValue else { throw mismatch(key, "an integer", value) }
        if let min, number < min {
            throw .invalidValue(source: source, path: keyPath(key), message: "must be at least \(min), got \(number)")
        }
        if let max, number > max {
            throw .invalidValue(source: source, path: keyPath(key), message: "must be at most \(max), got \(number)")
        }
        return number
    }

    mutating func double(_ key: String, min: Double? = nil, max: Double? = nil) throws(ConfigError) -> Double? {
        guard let value = raw(key) else { return nil }
        guard let number = value.numberValue else { throw mismatch(key, "a number", value) }
        if let min, number < min {
            throw .invalidValue(source: source, path: keyPath(key), message: "must be at least \(min), got \(number)")
        }
        if let max, number > max {
            throw .invalidValue(source: source, path: keyPath(key), message: "must be at most \(max), got \(number)")
        }
        return number
    }

    /// A duration string; `.some(nil)` for "disabled".
    mutating func duration(_ key: String) throws(ConfigError) -> Duration?? {
        guard let value = raw(key) else { return nil }
        guard let text = value.stringValue else { throw mismatch(key, "a duration string like \"30s\"", value) }
        do {
            return .some(try DurationText.parse(text))
        } catch {
            throw .invalidValue(source: source, path: keyPath(key), message: error.description)
        }
    }

    mutating func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = raw(key) else { return nil }
        guard let items = value.arrayValue else { throw mismatch(key, "an array of strings", value) }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw .invalidValue(
                    source: source, path: "\(keyPath(key))[\(index)]",
                    message: "expected a string, got \(item.typeName)")
            }
            out.append(text)
        }
        return out
    }

    mutating func oneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        guard allowed.contains(text) else {
            throw .invalidValue(
                source: source, path: keyPath(key),
                message: "must be one of \(allowed.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// A string naming a case of `kind` (its raw value), or an error listing the cases.
    mutating func oneOf<Kind: RawRepresentable & CaseIterable>(_ key: String, _ kind: Kind.Type)
        throws(ConfigError) -> Kind? where Kind.RawValue == String
    {
        try oneOf(key, Kind.allCases.map(\.rawValue)).flatMap(Kind.init(rawValue:))
    }

    mutating func table(_ key: String) throws(ConfigError) -> ConfigReader {
        try ConfigReader(source: source, path: keyPath(key), value: raw(key))
    }

    /// Sub-tables of a map section (`[self_hosted.servers.<id>]`).
    mutating func tables(_ key: String) throws(ConfigError) -> [(String, ConfigReader)] {
        let map = try table(key)
        var out: [(String, ConfigReader)] = []
        for name in map.object.keys.sorted() {
            out.append((name, try ConfigReader(source: source, path: map.keyPath(name), value: map.object[name])))
        }
        return out
    }

    /// Throws for the first key that was never read.
    func finish() throws(ConfigError) {
        if let unknown = object.keys.sorted().first(where: { !used.contains($0) }) {
            throw .unknownKey(source: source, path: keyPath(unknown))
        }
    }

    private func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> ConfigError {
        .invalidValue(source: source, path: keyPath(key), message: "expected \(expected), got \(value.typeName)")
    }
}

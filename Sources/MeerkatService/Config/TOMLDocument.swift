import Foundation
public import MeerkatCore
public import MeerkatTools

extension TOMLDocument {
    /// Parses a config file's TOML, naming `source` in the error.
    public static func parse(_ text: String, source: String) throws(ConfigError) -> [String: JSONValue] {
        do {
            return try parseObject(text)
        } catch {
            throw .parse(source: source, message: error.message)
        }
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

/// Config text as surfaces read and print it (the TOML codec stays inside the service).
public enum ConfigText {
    /// Parses a config file's TOML, naming `source` in the error.
    public static func parseTOML(_ text: String, source: String) throws(ConfigError) -> [String: JSONValue] {
        try TOMLDocument.parse(text, source: source)
    }

    /// Renders a config tree as TOML.
    public static func toml(_ tree: [String: JSONValue]) -> String { TOMLDocument.render(tree) }
}

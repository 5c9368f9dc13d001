import Foundation

/// A configuration problem, naming the key path and the rule.
public enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not valid TOML (or JSON).
    case parse(source: String, message: String)
    /// A key no section defines.
    case unknownKey(source: String, path: String)
    /// A value of the wrong type or out of range.
    case invalidValue(source: String, path: String, message: String)
    /// `set`/`patch` with an expected generation that is not the current one.
    case generationConflict(expected: Int, actual: Int)
    /// Reading or writing a config file failed.
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .parse(let source, let message): "\(source): not valid TOML: \(message)"
        case .unknownKey(let source, let path): "\(source): unknown key '\(path)'"
        case .invalidValue(let source, let path, let message): "\(source): '\(path)': \(message)"
        case .generationConflict(let expected, let actual):
            "config changed meanwhile: expected generation \(expected), current generation is \(actual)"
        case .io(let path, let message): "\(path): \(message)"
        }
    }
}

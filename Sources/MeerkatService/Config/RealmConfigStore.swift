public import Foundation
public import MeerkatCore
import MeerkatTools

/// A realm's `config.toml` with a generation number in `config_state.json`, for compare-and-swap updates
/// (`skat config get|set|patch`).
public struct RealmConfigStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public var configFile: URL { directory.appendingPathComponent("config.toml") }
    var stateFile: URL { directory.appendingPathComponent("config_state.json") }

    /// The current document and its generation (0 before the first write).
    public func get() throws(ConfigError) -> (tree: [String: JSONValue], generation: Int) {
        let tree: [String: JSONValue]
        if FileManager.default.fileExists(atPath: configFile.path) {
            let text: String
            do {
                text = try String(contentsOf: configFile, encoding: .utf8)
            } catch {
                throw .io(path: configFile.path, message: "cannot read: \(error.localizedDescription)")
            }
            tree = try TOMLDocument.parse(text, source: configFile.path)
        } else {
            tree = [:]
        }
        return (tree, try generation())
    }

    /// Replaces the document (validated first). With `expectedGeneration`, fails unless it is current.
    @discardableResult
    public func set(_ tree: [String: JSONValue], expectedGeneration: Int? = nil) throws(ConfigError) -> Int {
        _ = try MeerkatConfig(tree: tree, source: "new config")
        let current = try generation()
        if let expectedGeneration, expectedGeneration != current {
            throw .generationConflict(expected: expectedGeneration, actual: current)
        }
        try write(TOMLDocument.render(tree), to: configFile)
        try write(#"{"generation":\#(current + 1)}"#, to: stateFile)
        return current + 1
    }

    /// Applies an RFC 7396 merge patch (validated first). With `expectedGeneration`, fails unless it is current.
    @discardableResult
    public func patch(_ patch: JSONValue, expectedGeneration: Int? = nil) throws(ConfigError) -> Int {
        let (tree, current) = try get()
        if let expectedGeneration, expectedGeneration != current {
            throw .generationConflict(expected: expectedGeneration, actual: current)
        }
        let patched = JSONValue.object(tree).mergePatched(with: patch).objectValue ?? [:]
        return try set(patched, expectedGeneration: current)
    }

    func generation() throws(ConfigError) -> Int {
        guard let data = FileManager.default.contents(atPath: stateFile.path) else { return 0 }
        guard let generation = (try? JSONValue.parse(data))?["generation"]?.intValue else {
            throw .io(path: stateFile.path, message: "is not a valid config state file")
        }
        return generation
    }

    private func write(_ text: String, to file: URL) throws(ConfigError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .atomic)
        } catch {
            throw .io(path: file.path, message: "cannot write: \(error.localizedDescription)")
        }
    }
}

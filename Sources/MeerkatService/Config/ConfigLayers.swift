import Foundation
import MeerkatCore
import MeerkatTools

/// Where config comes from, in order of precedence (lowest first): built-in defaults → user
/// (`~/.skat/config.toml`) → realm (`<realm>/config.toml`) → per-request overrides.
public struct ConfigLayers: Sendable {
    /// One named layer (its source is used in error messages).
    public struct Layer: Sendable, Hashable {
        public var source: String
        public var tree: [String: JSONValue]

        public init(source: String, tree: [String: JSONValue]) {
            self.source = source
            self.tree = tree
        }
    }

    public var layers: [Layer]

    public init(layers: [Layer] = []) {
        self.layers = layers
    }

    /// Reads the user and realm files (missing files are empty layers) and appends request overrides.
    public static func load(userFile: URL?, realmFile: URL?, overrides: [String: JSONValue] = [:]) throws(ConfigError)
        -> ConfigLayers
    {
        var layers: [Layer] = []
        for file in [userFile, realmFile].compactMap({ $0 }) {
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw .io(path: file.path, message: "cannot read: \(error.localizedDescription)")
            }
            layers.append(Layer(source: file.path, tree: try TOMLDocument.parse(text, source: file.path)))
        }
        if !overrides.isEmpty { layers.append(Layer(source: "request overrides", tree: overrides)) }
        return ConfigLayers(layers: layers)
    }

    /// Validates each layer on its own (so errors name the file), then the merged tree.
    public func resolve() throws(ConfigError) -> SkatConfig {
        var merged: JSONValue = .object([:])
        for layer in layers {
            _ = try SkatConfig(tree: layer.tree, source: layer.source)
            merged = merged.overlaid(with: .object(layer.tree))
        }
        return try SkatConfig(tree: merged.objectValue ?? [:], source: "effective config")
    }
}

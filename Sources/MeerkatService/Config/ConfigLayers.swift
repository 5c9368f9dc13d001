public import Foundation
public import MeerkatCore
import MeerkatTools

/// Where config comes from, in order of precedence (lowest first): built-in defaults → user
/// (`$HOME/.skat/config.toml`) → project (`<project root>/.skat/config.toml`) → realm (`<realm>/config.toml`) →
/// per-request overrides. Each layer only says what differs; errors name the layer's file.
public struct ConfigLayers: Sendable {
    /// Which level a layer belongs to.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case builtIn = "built-in"
        case user
        case project
        case realm
        case request
    }

    /// One named layer (its source is used in error messages).
    public struct Layer: Sendable, Hashable {
        public var kind: Kind
        /// The file path, or `built-in` / `request overrides`.
        public var source: String
        public var tree: [String: JSONValue]

        public init(kind: Kind, source: String, tree: [String: JSONValue]) {
            self.kind = kind
            self.source = source
            self.tree = tree
        }
    }

    /// A config file that was looked for, and whether it existed (and so was read).
    public struct File: Sendable, Hashable {
        public var kind: Kind
        public var url: URL
        public var read: Bool
    }

    public var layers: [Layer]
    /// Every file looked for, read or not, in layer order.
    public var files: [File]

    public init(layers: [Layer] = [], files: [File] = []) {
        self.layers = layers
        self.files = files
    }

    /// Reads the files that exist (missing files are empty layers), between the built-in defaults and the request
    /// overrides.
    public static func load(
        userFile: URL?, projectFile: URL? = nil, realmFile: URL?, overrides: [String: JSONValue] = [:]
    ) throws(ConfigError) -> ConfigLayers {
        var layers = [Layer(kind: .builtIn, source: Kind.builtIn.rawValue, tree: MeerkatConfig.builtInTree)]
        var files: [File] = []
        let candidates: [(Kind, URL?)] = [(.user, userFile), (.project, projectFile), (.realm, realmFile)]
        for case (let kind, let file?) in candidates {
            guard FileManager.default.fileExists(atPath: file.path) else {
                files.append(File(kind: kind, url: file, read: false))
                continue
            }
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw .io(path: file.path, message: "cannot read: \(error.localizedDescription)")
            }
            layers.append(Layer(kind: kind, source: file.path, tree: try TOMLDocument.parse(text, source: file.path)))
            files.append(File(kind: kind, url: file, read: true))
        }
        if !overrides.isEmpty { layers.append(Layer(kind: .request, source: "request overrides", tree: overrides)) }
        return ConfigLayers(layers: layers, files: files)
    }

    /// The layers merged into one tree (later layers win; tables merge key by key).
    public var mergedTree: [String: JSONValue] {
        var merged: JSONValue = .object([:])
        for layer in layers { merged = merged.overlaid(with: .object(layer.tree)) }
        return merged.objectValue ?? [:]
    }

    /// Validates each layer on its own (so errors name the file), then the merged tree.
    public func resolve() throws(ConfigError) -> MeerkatConfig {
        for layer in layers { _ = try MeerkatConfig(tree: layer.tree, source: layer.source) }
        return try MeerkatConfig(tree: mergedTree, source: "effective config")
    }

    /// For every value of the merged tree (dotted key path → source), the layer it comes from: the highest layer
    /// that sets that path.
    public func sources() -> [String: String] {
        var out: [String: String] = [:]
        Self.leaves(of: mergedTree, prefix: "") { path, keys in
            out[path] = layers.last { Self.value(at: keys, in: $0.tree) != nil }?.source ?? Kind.builtIn.rawValue
        }
        return out
    }

    /// The merged tree flattened to `(dotted path, value)` pairs, sorted by path.
    public func flattened() -> [(path: String, value: JSONValue)] {
        var out: [(String, JSONValue)] = []
        Self.leaves(of: mergedTree, prefix: "") { path, keys in
            if let value = Self.value(at: keys, in: mergedTree) { out.append((path, value)) }
        }
        return out.sorted { $0.0 < $1.0 }.map { (path: $0.0, value: $0.1) }
    }

    private static func leaves(
        of tree: [String: JSONValue], prefix: String, keys: [String] = [], _ visit: (String, [String]) -> Void
    ) {
        for (key, value) in tree {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .object(let nested) = value, !nested.isEmpty {
                leaves(of: nested, prefix: path, keys: keys + [key], visit)
            } else if value != .null {
                visit(path, keys + [key])
            }
        }
    }

    private static func value(at keys: [String], in tree: [String: JSONValue]) -> JSONValue? {
        var current: JSONValue = .object(tree)
        for key in keys {
            guard let next = current.objectValue?[key], next != .null else { return nil }
            current = next
        }
        return current
    }
}

import ArgumentParser
import Foundation
import MeerkatService

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read or change the realm's config.toml (with a generation for compare-and-swap).",
        subcommands: [Get.self, Set.self, Patch.self])

    enum Format: String, ExpressibleByArgument {
        case toml, json
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the realm config, or with --effective the merged config of every layer.",
            discussion: """
                Reads only: no realm is created. With --effective, every value is printed with the layer it comes \
                from (built-in, the user file, the project file, the realm file), as `key = value  # source` lines \
                or, with --format json, as {"config": {...}, "sources": {"key.path": "source"}}.
                """)
        @OptionGroup var realm: RealmOptions
        @Option var format: Format = .toml
        @Flag(name: .customLong("with-generation")) var withGeneration = false
        @Flag(help: "Print the effective config (every layer merged) with each value's source.")
        var effective = false

        func run() async throws {
            let context = try realm.context()
            do {
                if effective {
                    try printEffective(context)
                    return
                }
                guard let directory = context.realmConfigFile?.deletingLastPathComponent() else {
                    throw SkatFailure("the memory backend has no realm config file; use --effective")
                }
                let (tree, generation) = try RealmConfigStore(directory: directory).get()
                if format == .json {
                    var object = tree
                    if withGeneration { object = ["generation": .number(Double(generation)), "config": .object(tree)] }
                    printJSON(JSONValue.object(object))
                } else {
                    if withGeneration { Output.out("# generation = \(generation)\n") }
                    Output.out(ConfigText.toml(tree))
                }
            } catch let error as ConfigError {
                throw SkatFailure(error.description)
            }
        }

        private func printEffective(_ context: ProjectContext) throws {
            let layers = try context.configLayers()
            _ = try layers.resolve()
            let sources = layers.sources()
            if format == .json {
                printJSON(
                    JSONValue.object([
                        "config": .object(layers.mergedTree), "sources": .object(sources.mapValues(JSONValue.string)),
                    ]))
                return
            }
            for file in layers.files {
                Output.out("# \(file.kind.rawValue): \(file.url.path)\(file.read ? "" : " (not present)")\n")
            }
            for (path, value) in layers.flattened() {
                Output.out("\(path) = \(value.compactText())  # \(sources[path] ?? "built-in")\n")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the realm config from a file (or stdin).")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "TOML or JSON file; omit or `-` for stdin.") var file: String?
        @Flag(help: "The input is JSON.") var json = false
        @Option(name: .customLong("expected-generation")) var expectedGeneration: Int?

        func run() async throws {
            let text = try readInput(file)
            try await realm.withEnvironment { environment in
                let tree: [String: JSONValue]
                if json {
                    guard let object = try? JSONValue.parse(text).objectValue else {
                        throw SkatFailure("config set: input is not a JSON object")
                    }
                    tree = object
                } else {
                    tree = try ConfigText.parseTOML(text, source: file ?? "stdin")
                }
                let generation = try environment.configStore.set(tree, expectedGeneration: expectedGeneration)
                Output.out("config written (generation \(generation))\n")
            }
        }
    }

    struct Patch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a JSON merge patch (RFC 7396) to the realm config.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "JSON file; omit or `-` for stdin.") var file: String?
        @Option(name: .customLong("expected-generation")) var expectedGeneration: Int?

        func run() async throws {
            let text = try readInput(file)
            let patch: JSONValue
            do {
                patch = try JSONValue.parse(text)
            } catch {
                throw SkatFailure("config patch: \(error.message)")
            }
            try await realm.withEnvironment { environment in
                let generation = try environment.configStore.patch(patch, expectedGeneration: expectedGeneration)
                Output.out("config patched (generation \(generation))\n")
            }
        }
    }
}

/// Reads a file, or standard input for nil / `-`.
func readInput(_ file: String?) throws -> String {
    guard let file, file != "-" else {
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard let data = FileManager.default.contents(atPath: file) else { throw SkatFailure("cannot read '\(file)'") }
    return String(decoding: data, as: UTF8.self)
}

import Foundation
import MeerkatCore
import Testing

@testable import MeerkatService

@Suite("Config layers")
struct ConfigLayersTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theBuiltInTreeIsTheBuiltInDefaults() throws {
        #expect(try MeerkatConfig(tree: MeerkatConfig.builtInTree, source: "built-in") == MeerkatConfig())
    }

    @Test func layersMergeInOrderAndEveryValueKnowsItsSource() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let user = root.appendingPathComponent("user.toml")
        let project = root.appendingPathComponent("project.toml")
        let realm = root.appendingPathComponent("realm.toml")
        try "[agent]\nmax_turns = 7\nmodel = \"gpt-5.4\"\n".write(to: user, atomically: true, encoding: .utf8)
        try "[agent]\nmax_turns = 9\n".write(to: project, atomically: true, encoding: .utf8)
        let layers = try ConfigLayers.load(
            userFile: user, projectFile: project, realmFile: realm, overrides: ["tools": ["preset": "none"]])
        let config = try layers.resolve()
        #expect(config.agent.maxTurns == 9 && config.agent.model == "gpt-5.4" && config.tools.preset == ToolPreset.none)
        #expect(layers.layers.map(\.kind) == [.builtIn, .user, .project, .request])
        #expect(layers.files.map(\.read) == [true, true, false])
        let sources = layers.sources()
        #expect(sources["agent.max_turns"] == project.path)
        #expect(sources["agent.model"] == user.path)
        #expect(sources["tools.preset"] == "request overrides")
        #expect(sources["retry.max_retries"] == "built-in")
        #expect(layers.flattened().first { $0.path == "agent.max_turns" }?.value == 9)
    }

    @Test func anErrorNamesTheFileItCameFrom() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("project.toml")
        try "[agent]\nmax_turns = \"many\"\n".write(to: project, atomically: true, encoding: .utf8)
        let layers = try ConfigLayers.load(userFile: nil, projectFile: project, realmFile: nil)
        #expect(
            throws: ConfigError.invalidValue(
                source: project.path, path: "agent.max_turns", message: "expected an integer, got string")
        ) {
            try layers.resolve()
        }
    }

    @Test func theProjectContextReadsTheProjectFileAndHonoursHome() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let home = root.appendingPathComponent("home")
        let project = root.appendingPathComponent("work/project")
        let nested = project.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try "[agent]\nmax_turns = 3\n".write(
            to: home.appendingPathComponent(".skat/config.toml"), atomically: true, encoding: .utf8)
        try "[tools]\npreset = \"none\"\n".write(
            to: project.appendingPathComponent(".skat/config.toml"), atomically: true, encoding: .utf8)
        let options = ServiceEnvironmentOptions(
            currentDirectory: nested, environment: ["HOME": home.path, "SKAT_CEILING_DIRECTORIES": root.path])
        let context = try ProjectContext(options)
        #expect(context.projectRoot.path == project.resolvingSymlinksInPath().path)
        let config = try context.config()
        #expect(config.agent.maxTurns == 3 && config.tools.preset == ToolPreset.none)
        #expect(!context.realmExists)
        #expect(!FileManager.default.fileExists(atPath: context.stateRoot.path))
    }

    @Test func nearestNamesSuggestCloseCatalogEntries() {
        let known = ["gpt-5.4", "gpt-5.5", "gpt-5.6", "claude-opus-5", "gemini-3.5-flash"]
        #expect(NearestNames.nearest(to: "gpt-5.7", in: known) == ["gpt-5.4", "gpt-5.5", "gpt-5.6"])
        #expect(NearestNames.nearest(to: "claude-opus", in: known) == ["claude-opus-5"])
        #expect(NearestNames.nearest(to: "llama", in: known).isEmpty)
    }
}

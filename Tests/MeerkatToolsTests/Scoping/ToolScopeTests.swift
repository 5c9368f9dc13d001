import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@testable import MeerkatTools

@Suite struct ToolPresetTests {
    @Test func presetsContainTheDocumentedTools() {
        #expect(ToolPreset.none.tools.isEmpty)
        let safe = Set(ToolPreset.safe.tools)
        #expect(safe.isDisjoint(with: [.writeFile, .editFile, .applyPatch, .shell]))
        #expect(
            safe.isSuperset(of: [.readFile, .listDir, .glob, .grep, .datetime, .viewImage, .taskCreate, .taskList]))
        #expect(!safe.contains(.generateImage))
        #expect(
            Set(ToolPreset.workspace.tools) == safe.union([.writeFile, .editFile, .applyPatch, .shell, .generateImage]))
        #expect(ToolPreset.full.tools == ToolPreset.workspace.tools)
        #expect(Set(ToolPreset.full.tools) == Set(BuiltinToolName.allCases))
    }

    @Test func capabilitiesHideViewImage() throws {
        let project = try TempProject()
        let withImages = BuiltinTools(root: project.root)
        let withoutImages = BuiltinTools(
            root: project.root, capabilities: ModelToolCapabilities(imageToolResults: false))
        #expect(withImages.baseTools(for: .safe).contains(.viewImage))
        #expect(!withoutImages.baseTools(for: .safe).contains(.viewImage))
    }

    @Test func hostProvidedToolsAreOfferedOnlyWhenSupplied() throws {
        let project = try TempProject()
        let without = BuiltinTools(root: project.root)
        #expect(without.tool(.generateImage) == nil)
        #expect(!without.baseTools(for: .full).contains(.generateImage))
        #expect(!without.dispatcher(preset: .full).contains("generate_image"))
        let host = ClosureTool(name: "generate_image") { _, _ in .text("drawn") }
        let with = BuiltinTools(root: project.root, hostTools: [.generateImage: host, .shell: host])
        #expect(with.baseTools(for: .full).contains(.generateImage))
        #expect(with.baseTools(for: .workspace).contains(.generateImage))
        #expect(!with.baseTools(for: .safe).contains(.generateImage))
        #expect(with.dispatcher(preset: .workspace).contains("generate_image"))
        #expect(!with.dispatcher(preset: .safe).contains("generate_image"))
        // Only host-provided names can be supplied: the module's own shell stays.
        #expect(with.tool(.shell)?.definition.name == "shell")
    }

    @Test func everyToolSchemaIsStrict() throws {
        let project = try TempProject()
        let tools = BuiltinTools(root: project.root)
        for name in BuiltinToolName.allCases where !name.isHostProvided {
            let definition = try #require(tools.tool(name)).definition
            #expect(definition.name == name.rawValue)
            #expect(definition.inputSchema["type"] == "object", "\(name)")
            #expect(definition.inputSchema["additionalProperties"] == false, "\(name)")
            let required = definition.inputSchema["required"]?.arrayValue?.compactMap(\.stringValue)
            let properties = definition.inputSchema["properties"]?.objectValue ?? [:]
            #expect(required.map { Set($0).isSubset(of: properties.keys) } == true, "\(name)")
            #expect(!definition.description.isEmpty)
        }
    }
}

@Suite struct ToolScopeTests {
    let base = ["read_file", "grep", "shell", "write_file"]

    @Test func allFilterShowsTheBase() {
        #expect(ToolScope(baseTools: base).visibleTools == base)
    }

    @Test func allowListsIntersect() {
        let scope = ToolScope(
            baseTools: base, filter: .allow(["read_file", "grep", "shell"]),
            overlay: ToolTurnOverlay(allowedTools: ["grep", "shell", "write_file"]))
        #expect(scope.visibleTools == ["grep", "shell"])
    }

    @Test func denyListsUnion() {
        let scope = ToolScope(
            baseTools: base, filter: .deny(["shell"]), overlay: ToolTurnOverlay(blockedTools: ["write_file"]))
        #expect(scope.visibleTools == ["read_file", "grep"])
    }

    @Test func denyBeatsAllow() {
        let scope = ToolScope(
            baseTools: base, filter: .allow(["read_file", "shell"]), overlay: ToolTurnOverlay(blockedTools: ["shell"]))
        #expect(scope.visibleTools == ["read_file"])
        #expect(!scope.isVisible("shell"))
        #expect(scope.isVisible("read_file"))
        #expect(!scope.isVisible("not_a_tool"))
    }

    @Test func overlayCanBeReplacedAndCleared() {
        let scope = ToolScope(baseTools: base, overlay: ToolTurnOverlay(allowedTools: ["grep"]))
        #expect(scope.visibleTools == ["grep"])
        #expect(scope.with(overlay: nil).visibleTools == base)
        #expect(scope.with(filter: .deny(["grep"])).visibleTools.isEmpty)
    }

    @Test func reportsUnknownNames() {
        let scope = ToolScope(
            baseTools: base, filter: .allow(["grep", "grpe"]), overlay: ToolTurnOverlay(blockedTools: ["shel"]))
        #expect(scope.unknownTools == ["grpe", "shel"])
    }

    @Test func filterAndOverlayRoundTripThroughJSON() throws {
        let scope = ToolScope(
            baseTools: base, filter: .deny(["shell", "grep"]),
            overlay: ToolTurnOverlay(allowedTools: ["read_file"], blockedTools: ["grep"]))
        let text = try WireJSON.encodeString(scope)
        #expect(
            text
                == #"{"base_tools":["read_file","grep","shell","write_file"],"filter":{"tools":["grep","shell"],"type":"deny"},"#
                + #""overlay":{"allowed_tools":["read_file"],"blocked_tools":["grep"]}}"#)
        #expect(try WireJSON.decoder().decode(ToolScope.self, from: Data(text.utf8)) == scope)
        #expect(throws: (any Error).self) {
            try WireJSON.decoder().decode(ToolFilter.self, from: Data(#"{"type":"some"}"#.utf8))
        }
    }

    @Test func dispatcherHoldsOnlyVisibleBuiltins() async throws {
        let project = try TempProject()
        try project.write("a.txt", "hello\n")
        let tools = BuiltinTools(root: project.root)
        let dispatcher = tools.dispatcher(
            preset: .workspace, filter: .deny(["shell"]), overlay: ToolTurnOverlay(blockedTools: ["write_file"]))
        #expect(!dispatcher.contains("shell"))
        #expect(!dispatcher.contains("write_file"))
        #expect(dispatcher.contains("edit_file"))
        #expect(tools.dispatcher(preset: .none).names.isEmpty)
        #expect(tools.dispatcher(preset: .safe).names == ToolPreset.safe.tools.map(\.rawValue))

        let output = await dispatcher.dispatch(
            ToolCall(id: "1", name: "read_file", args: ["path": "a.txt"]), context: testContext())
        #expect(output == .text("     1\thello\n"))
        let rejected = await dispatcher.dispatch(
            ToolCall(id: "2", name: "read_file", args: ["path": "a.txt", "extra": true]), context: testContext())
        #expect(rejected.isError)
        #expect(rejected.content.first?.textProjection.contains("additional property 'extra' is not allowed") == true)
    }
}

public import MeerkatCore

/// The builtin tools of one agent, built once over a project root, and the dispatchers for presets and scopes.
///
/// Tool instances are shared by every dispatcher made here, so per-tool state (the shell's count of running
/// commands) holds across turns.
public struct BuiltinTools: Sendable {
    /// The directory the file tools and the shell are confined to.
    public let root: ProjectRoot
    /// What the model can do with tool results.
    public let capabilities: ModelToolCapabilities
    private let instances: [BuiltinToolName: any Tool]

    /// Builds every builtin tool over `root`. `hostTools` supplies the builtins this module cannot build
    /// (`BuiltinToolName.isHostProvided`, e.g. `generate_image`); a host tool that is not supplied is not offered.
    public init(
        root: ProjectRoot, taskStore: any TaskStore = InMemoryTaskStore(), shell: ShellConfig = ShellConfig(),
        clock: any ToolClock = SystemToolClock(), capabilities: ModelToolCapabilities = ModelToolCapabilities(),
        hostTools: [BuiltinToolName: any Tool] = [:]
    ) {
        self.root = root
        self.capabilities = capabilities
        instances = [
            .readFile: ReadFileTool(root: root),
            .writeFile: WriteFileTool(root: root),
            .editFile: EditFileTool(root: root),
            .applyPatch: ApplyPatchTool(root: root),
            .listDir: ListDirTool(root: root),
            .glob: GlobTool(root: root),
            .grep: GrepTool(root: root),
            .datetime: DateTimeTool(),
            .taskCreate: TaskCreateTool(store: taskStore),
            .taskGet: TaskGetTool(store: taskStore),
            .taskList: TaskListTool(store: taskStore),
            .taskUpdate: TaskUpdateTool(store: taskStore),
            .viewImage: ViewImageTool(root: root),
            .wait: WaitTool(clock: clock),
            .shell: ShellTool(root: root, config: shell, clock: clock),
        ].merging(hostTools.filter { $0.key.isHostProvided }) { own, _ in own }
    }

    /// The tool named `name`; nil only for a host-provided tool the host did not supply.
    public func tool(_ name: BuiltinToolName) -> (any Tool)? {
        instances[name]
    }

    /// The preset's tools that the model can use, in offer order.
    public func baseTools(for preset: ToolPreset) -> [BuiltinToolName] {
        preset.tools.filter { !capabilities.hides($0) && instances[$0] != nil }
    }

    /// The scope for a preset under a filter and overlay.
    public func scope(for preset: ToolPreset, filter: ToolFilter = .all, overlay: ToolTurnOverlay? = nil) -> ToolScope {
        ToolScope(baseTools: baseTools(for: preset).map(\.rawValue), filter: filter, overlay: overlay)
    }

    /// A dispatcher holding the builtin tools visible in `scope` (names that are not builtins are ignored;
    /// add other tools with `ToolDispatcher.adding`).
    public func dispatcher(for scope: ToolScope) -> ToolDispatcher {
        ToolDispatcher(scope.visibleTools.compactMap { BuiltinToolName(rawValue: $0).flatMap(tool) })
    }

    /// A dispatcher for a preset under a filter and overlay.
    public func dispatcher(
        preset: ToolPreset, filter: ToolFilter = .all, overlay: ToolTurnOverlay? = nil
    ) -> ToolDispatcher {
        dispatcher(for: scope(for: preset, filter: filter, overlay: overlay))
    }
}

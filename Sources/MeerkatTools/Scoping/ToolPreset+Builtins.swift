public import MeerkatCore

/// Which builtin tools each preset offers (the preset itself is vocabulary, in MeerkatCore).
extension ToolPreset {
    /// The builtin tools of the preset, in the order they are offered.
    public var tools: [BuiltinToolName] {
        switch self {
        case .none:
            []
        case .safe:
            [
                .readFile, .listDir, .glob, .grep, .datetime, .wait, .taskCreate, .taskGet, .taskList, .taskUpdate,
                .viewImage,
            ]
        case .workspace, .full:
            ToolPreset.safe.tools + [.writeFile, .editFile, .applyPatch, .shell, .generateImage]
        }
    }

    /// True when the preset includes `tool`.
    public func includes(_ tool: BuiltinToolName) -> Bool { tools.contains(tool) }
}

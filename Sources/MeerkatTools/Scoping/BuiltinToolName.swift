/// The names of the builtin tools; these strings are part of the model-facing contract.
public enum BuiltinToolName: String, Sendable, Hashable, CaseIterable, Codable {
    case readFile = "read_file"
    case writeFile = "write_file"
    case editFile = "edit_file"
    case applyPatch = "apply_patch"
    case listDir = "list_dir"
    case glob
    case grep
    case datetime
    case taskCreate = "task_create"
    case taskGet = "task_get"
    case taskList = "task_list"
    case taskUpdate = "task_update"
    case viewImage = "view_image"
    case wait
    case shell
    /// `generate_image`: built by the service layer (it needs the provider image clients and the session's runtime
    /// routing), so `BuiltinTools` offers it only when the host registers it.
    case generateImage = "generate_image"

    /// True for tools the host supplies to `BuiltinTools` rather than `BuiltinTools` building them itself.
    public var isHostProvided: Bool { self == .generateImage }

    /// True for tools that change state outside the conversation: files, processes or the task board.
    public var isMutating: Bool {
        switch self {
        case .writeFile, .editFile, .applyPatch, .shell, .taskCreate, .taskUpdate: true
        default: false
        }
    }
}

/// A named set of builtin tools that a surface switches on (`--tools safe`, the CLI default).
public enum ToolPreset: String, Sendable, Hashable, Codable, CaseIterable {
    /// No builtin tools.
    case none
    /// Read-only: reading and searching files, datetime, wait, the task board and view_image.
    case safe
    /// `safe` plus changing files (write_file, edit_file, apply_patch), the shell and generate_image.
    case workspace
    /// Everything: currently the same as `workspace`; later memory and sub-agent tools join here.
    ///
    /// `generate_image` is in `workspace` and `full` (it spends provider money and writes blobs), never in `safe`.
    case full
}

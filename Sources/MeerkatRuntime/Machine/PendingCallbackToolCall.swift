public import MeerkatCore

/// One tool call a run parked on, waiting for an external result (RUNTIME.md §9 `callback_batch_pending`).
public struct PendingCallbackToolCall: Sendable, Hashable, Codable {
    /// The provider's tool-use id.
    public var toolUseID: String
    /// The tool's name.
    public var toolName: String
    /// The call's arguments.
    public var args: JSONValue

    private enum CodingKeys: String, CodingKey { case toolUseID = "tool_use_id", toolName = "tool_name", args }

    public init(toolUseID: String, toolName: String, args: JSONValue) {
        self.toolUseID = toolUseID
        self.toolName = toolName
        self.args = args
    }
}

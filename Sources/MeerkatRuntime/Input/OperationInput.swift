import MeerkatCore

/// A lifecycle event of an asynchronous operation (RUNTIME.md §2.2; kind `operation`).
///
/// Operations are consumed on accept: they are recorded, never projected into the conversation and never
/// start a run (RUNTIME.md §4.2).
public struct OperationInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// The operation's identifier.
    public var operationID: String
    /// What happened to it.
    public var event: OpEvent

    private enum CodingKeys: String, CodingKey { case header, operationID = "operation_id", event }

    public init(header: InputHeader = InputHeader(), operationID: String, event: OpEvent) {
        self.header = header
        self.operationID = operationID
        self.event = event
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        operationID = try container.decode(String.self, forKey: .operationID)
        event = try container.decode(OpEvent.self, forKey: .event)
    }
}

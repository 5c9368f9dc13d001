/// Result of recovering a runtime's inputs from its store (RUNTIME.md §11.2).
public struct RecoveryReport: Sendable, Hashable, Codable {
    /// Inputs re-admitted into the live machine.
    public var inputsRecovered: Int
    /// Inputs discarded or terminalised by recovery.
    public var inputsAbandoned: Int
    /// Inputs moved back to a lane (accepted, staged, applied without receipt).
    public var inputsRequeued: Int
    /// One line per notable decision, for operators.
    public var details: [String]

    private enum CodingKeys: String, CodingKey {
        case inputsRecovered = "inputs_recovered", inputsAbandoned = "inputs_abandoned"
        case inputsRequeued = "inputs_requeued", details
    }

    public init(inputsRecovered: Int = 0, inputsAbandoned: Int = 0, inputsRequeued: Int = 0, details: [String] = []) {
        self.inputsRecovered = inputsRecovered
        self.inputsAbandoned = inputsAbandoned
        self.inputsRequeued = inputsRequeued
        self.details = details
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputsRecovered = try container.decodeIfPresent(Int.self, forKey: .inputsRecovered) ?? 0
        inputsAbandoned = try container.decodeIfPresent(Int.self, forKey: .inputsAbandoned) ?? 0
        inputsRequeued = try container.decodeIfPresent(Int.self, forKey: .inputsRequeued) ?? 0
        details = try container.decodeIfPresent([String].self, forKey: .details) ?? []
    }
}

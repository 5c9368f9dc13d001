/// Result of retiring a runtime (RUNTIME.md §10).
public struct RetireReport: Sendable, Hashable, Codable {
    /// Inputs abandoned because no loop could drain them.
    public var inputsAbandoned: Int
    /// Non-terminal inputs left to drain (0 when they were abandoned instead).
    public var inputsPendingDrain: Int

    private enum CodingKeys: String, CodingKey {
        case inputsAbandoned = "inputs_abandoned", inputsPendingDrain = "inputs_pending_drain"
    }

    public init(inputsAbandoned: Int = 0, inputsPendingDrain: Int = 0) {
        self.inputsAbandoned = inputsAbandoned
        self.inputsPendingDrain = inputsPendingDrain
    }
}

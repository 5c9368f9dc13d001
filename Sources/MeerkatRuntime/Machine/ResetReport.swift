/// Result of resetting a runtime (RUNTIME.md §10).
public struct ResetReport: Sendable, Hashable, Codable {
    /// Inputs abandoned with reason `reset`.
    public var inputsAbandoned: Int

    private enum CodingKeys: String, CodingKey { case inputsAbandoned = "inputs_abandoned" }

    public init(inputsAbandoned: Int = 0) {
        self.inputsAbandoned = inputsAbandoned
    }
}

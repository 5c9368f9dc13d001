/// Result of destroying a runtime (RUNTIME.md §10).
public struct DestroyReport: Sendable, Hashable, Codable {
    /// Inputs abandoned with reason `destroyed`.
    public var inputsAbandoned: Int

    private enum CodingKeys: String, CodingKey { case inputsAbandoned = "inputs_abandoned" }

    public init(inputsAbandoned: Int = 0) {
        self.inputsAbandoned = inputsAbandoned
    }
}

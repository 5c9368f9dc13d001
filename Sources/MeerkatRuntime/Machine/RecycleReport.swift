/// Result of recycling a runtime (RUNTIME.md §10).
public struct RecycleReport: Sendable, Hashable, Codable {
    /// Non-terminal inputs carried into the rebuilt driver.
    public var inputsTransferred: Int

    private enum CodingKeys: String, CodingKey { case inputsTransferred = "inputs_transferred" }

    public init(inputsTransferred: Int = 0) {
        self.inputsTransferred = inputsTransferred
    }
}

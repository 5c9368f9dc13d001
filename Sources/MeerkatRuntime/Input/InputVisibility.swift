/// Where an input may be shown (RUNTIME.md §2.1). Carried and persisted only; admission does not read it.
///
/// Both flags default to `true`, also when missing from JSON.
public struct InputVisibility: Sendable, Hashable, Codable {
    /// Whether the input may appear in the conversation transcript.
    public var transcriptEligible: Bool
    /// Whether operator surfaces may show the input.
    public var operatorEligible: Bool

    private enum CodingKeys: String, CodingKey {
        case transcriptEligible = "transcript_eligible", operatorEligible = "operator_eligible"
    }

    public init(transcriptEligible: Bool = true, operatorEligible: Bool = true) {
        self.transcriptEligible = transcriptEligible
        self.operatorEligible = operatorEligible
    }

    /// Both flags false (used by the canonical system continuation).
    public static let hidden = InputVisibility(transcriptEligible: false, operatorEligible: false)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        transcriptEligible = try container.decodeIfPresent(Bool.self, forKey: .transcriptEligible) ?? true
        operatorEligible = try container.decodeIfPresent(Bool.self, forKey: .operatorEligible) ?? true
    }
}

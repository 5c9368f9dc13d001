/// The admission policy resolved for one input (RUNTIME.md §4.1).
///
/// Decoding defaults missing `drain_policy`, `routing_disposition`, `record_transcript`,
/// `emit_operator_content` and `policy_version` to `queue_next_turn`, `queue`, `true`, the value of
/// `record_transcript`, and 1.
public struct PolicyDecision: Sendable, Hashable, Codable {
    /// The only policy version at this commit.
    public static let currentVersion: UInt64 = 1

    public var applyMode: ApplyMode
    public var wakeMode: WakeMode
    public var queueMode: QueueMode
    public var consumePoint: ConsumePoint
    public var drainPolicy: DrainPolicy
    public var routingDisposition: RoutingDisposition
    /// Whether the input's content is recorded in the transcript.
    public var recordTranscript: Bool
    /// Whether operator surfaces see the content; always equal to `recordTranscript` in produced decisions.
    public var emitOperatorContent: Bool
    public var policyVersion: UInt64

    private enum CodingKeys: String, CodingKey {
        case applyMode = "apply_mode", wakeMode = "wake_mode", queueMode = "queue_mode"
        case consumePoint = "consume_point", drainPolicy = "drain_policy"
        case routingDisposition = "routing_disposition", recordTranscript = "record_transcript"
        case emitOperatorContent = "emit_operator_content", policyVersion = "policy_version"
    }

    public init(
        applyMode: ApplyMode, wakeMode: WakeMode, queueMode: QueueMode = .fifo,
        consumePoint: ConsumePoint = .onRunComplete, drainPolicy: DrainPolicy = .queueNextTurn,
        routingDisposition: RoutingDisposition = .queue, recordTranscript: Bool = true,
        emitOperatorContent: Bool? = nil, policyVersion: UInt64 = PolicyDecision.currentVersion
    ) {
        self.applyMode = applyMode
        self.wakeMode = wakeMode
        self.queueMode = queueMode
        self.consumePoint = consumePoint
        self.drainPolicy = drainPolicy
        self.routingDisposition = routingDisposition
        self.recordTranscript = recordTranscript
        self.emitOperatorContent = emitOperatorContent ?? recordTranscript
        self.policyVersion = policyVersion
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        applyMode = try container.decode(ApplyMode.self, forKey: .applyMode)
        wakeMode = try container.decode(WakeMode.self, forKey: .wakeMode)
        queueMode = try container.decode(QueueMode.self, forKey: .queueMode)
        consumePoint = try container.decode(ConsumePoint.self, forKey: .consumePoint)
        drainPolicy = try container.decodeIfPresent(DrainPolicy.self, forKey: .drainPolicy) ?? .queueNextTurn
        routingDisposition =
            try container.decodeIfPresent(RoutingDisposition.self, forKey: .routingDisposition) ?? .queue
        recordTranscript = try container.decodeIfPresent(Bool.self, forKey: .recordTranscript) ?? true
        emitOperatorContent = try container.decodeIfPresent(Bool.self, forKey: .emitOperatorContent) ?? recordTranscript
        policyVersion = try container.decodeIfPresent(UInt64.self, forKey: .policyVersion) ?? Self.currentVersion
    }
}

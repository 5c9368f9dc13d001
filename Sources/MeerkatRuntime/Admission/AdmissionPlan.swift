/// The result of resolving the policy table for one input (RUNTIME.md §4.2).
public struct AdmissionPlan: Sendable, Hashable, Codable {
    /// The policy decision snapshot stored with the input.
    public var decision: PolicyDecision
    /// The run semantics stored with the input.
    public var semantics: RuntimeInputSemantics
    /// The lane the input is queued in (`queue` for operations).
    public var lane: InputLane
    /// The coarse post-admission flags.
    public var flags: AdmissionFlags
    /// Consumed on accept, or queued.
    public var disposition: AdmissionDisposition

    public init(
        decision: PolicyDecision, semantics: RuntimeInputSemantics, lane: InputLane, flags: AdmissionFlags,
        disposition: AdmissionDisposition
    ) {
        self.decision = decision
        self.semantics = semantics
        self.lane = lane
        self.flags = flags
        self.disposition = disposition
    }

    /// The post-admission signal (RUNTIME.md §3.4).
    public var signal: AdmissionSignal { flags.signal }

    /// True when the input goes straight to `consumed`.
    public var isConsumedOnAccept: Bool { disposition == .consumedOnAccept }

    /// The machine seed of an input admitted under this plan (RUNTIME.md §3.1 step 8): `consumed` for a
    /// consumed-on-accept plan, otherwise `queued` in the plan's lane.
    public func initialSeed(admissionSequence: UInt64?) -> InputStateSeed {
        switch disposition {
        case .consumedOnAccept: .consumedOnAccept(admissionSequence: admissionSequence)
        case .queued: .queued(lane: lane, admissionSequence: admissionSequence)
        }
    }
}

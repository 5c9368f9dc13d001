public import Foundation
public import MeerkatCore

/// The per-input shell: bookkeeping the driver keeps beside the machine's facts (RUNTIME.md §5.4).
///
/// Phase, run association, attempts and terminal outcome live in ``InputStateSeed``; this holds the history
/// log, timestamps, the admission snapshot (policy, semantics, durability, key) and the retained payload.
/// Nil fields and an empty history are omitted from JSON.
public struct InputState: Sendable, Hashable, Codable {
    public var inputID: InputID
    /// Phase changes, oldest first.
    public var history: [InputStateHistoryEntry]
    public var createdAt: Date
    public var updatedAt: Date
    /// The policy decided at admission.
    public var policy: PolicySnapshot?
    /// The run semantics decided at admission.
    public var runtimeSemantics: RuntimeInputSemantics?
    /// The input's durability (drives recovery: ephemeral rows are discarded).
    public var durability: InputDurability?
    /// The dedup key bound to this input, if any.
    public var idempotencyKey: IdempotencyKey?
    /// Times recovery re-entered this input.
    public var recoveryCount: Int
    /// How a derived input can be rebuilt.
    public var reconstructionSource: ReconstructionSource?
    /// The exact public completion recorded when the input finished (RUNTIME.md §9, §11.1), so
    /// `input_terminal_completion` can answer after restart.
    public var terminalCompletion: CompletionOutcome?
    /// The original input, kept only while replay or attribution may still need it.
    public var persistedInput: Input?
    /// True when the input's content is already in the transcript: its run was interrupted by a process stop after
    /// applying it, and the run is continued from the transcript instead of applying it again.
    public var appliedToTranscript: Bool = false

    private enum CodingKeys: String, CodingKey {
        case inputID = "input_id", history, createdAt = "created_at", updatedAt = "updated_at", policy
        case runtimeSemantics = "runtime_semantics", durability, idempotencyKey = "idempotency_key"
        case recoveryCount = "recovery_count", reconstructionSource = "reconstruction_source"
        case terminalCompletion = "terminal_completion", persistedInput = "persisted_input"
        case appliedToTranscript = "applied_to_transcript"
    }

    public init(
        inputID: InputID, history: [InputStateHistoryEntry] = [], createdAt: Date = Date(), updatedAt: Date? = nil,
        policy: PolicySnapshot? = nil, runtimeSemantics: RuntimeInputSemantics? = nil,
        durability: InputDurability? = nil, idempotencyKey: IdempotencyKey? = nil, recoveryCount: Int = 0,
        reconstructionSource: ReconstructionSource? = nil, terminalCompletion: CompletionOutcome? = nil,
        persistedInput: Input? = nil
    ) {
        self.inputID = inputID
        self.history = history
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.policy = policy
        self.runtimeSemantics = runtimeSemantics
        self.durability = durability
        self.idempotencyKey = idempotencyKey
        self.recoveryCount = recoveryCount
        self.reconstructionSource = reconstructionSource
        self.terminalCompletion = terminalCompletion
        self.persistedInput = persistedInput
    }

    /// The shell of a newly admitted input: admission snapshot, retained payload, no history yet.
    public init(admitting input: Input, plan: AdmissionPlan, at now: Date) {
        self.init(
            inputID: input.id, createdAt: now, policy: PolicySnapshot(plan.decision),
            runtimeSemantics: plan.semantics, durability: input.header.durability,
            idempotencyKey: input.header.idempotencyKey, persistedInput: input)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputID = try container.decode(InputID.self, forKey: .inputID)
        history = try container.decodeIfPresent([InputStateHistoryEntry].self, forKey: .history) ?? []
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
        policy = try container.decodeIfPresent(PolicySnapshot.self, forKey: .policy)
        runtimeSemantics = try container.decodeIfPresent(RuntimeInputSemantics.self, forKey: .runtimeSemantics)
        durability = try container.decodeIfPresent(InputDurability.self, forKey: .durability)
        idempotencyKey = try container.decodeIfPresent(IdempotencyKey.self, forKey: .idempotencyKey)
        recoveryCount = try container.decodeIfPresent(Int.self, forKey: .recoveryCount) ?? 0
        reconstructionSource = try container.decodeIfPresent(ReconstructionSource.self, forKey: .reconstructionSource)
        terminalCompletion = try container.decodeIfPresent(CompletionOutcome.self, forKey: .terminalCompletion)
        persistedInput = try container.decodeIfPresent(Input.self, forKey: .persistedInput)
        appliedToTranscript = try container.decodeIfPresent(Bool.self, forKey: .appliedToTranscript) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputID, forKey: .inputID)
        if !history.isEmpty { try container.encode(history, forKey: .history) }
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(policy, forKey: .policy)
        try container.encodeIfPresent(runtimeSemantics, forKey: .runtimeSemantics)
        try container.encodeIfPresent(durability, forKey: .durability)
        try container.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(recoveryCount, forKey: .recoveryCount)
        try container.encodeIfPresent(reconstructionSource, forKey: .reconstructionSource)
        try container.encodeIfPresent(terminalCompletion, forKey: .terminalCompletion)
        try container.encodeIfPresent(persistedInput, forKey: .persistedInput)
        if appliedToTranscript { try container.encode(true, forKey: .appliedToTranscript) }
    }

    /// Appends a history entry and moves `updatedAt` to its time.
    public mutating func recordTransition(
        from: InputLifecycleState, to: InputLifecycleState, reason: String? = nil, at timestamp: Date
    ) {
        history.append(InputStateHistoryEntry(timestamp: timestamp, from: from, to: to, reason: reason))
        updatedAt = timestamp
    }
}

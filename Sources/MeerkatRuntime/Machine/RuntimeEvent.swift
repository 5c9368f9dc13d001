public import Foundation
public import MeerkatCore

/// What happened, in the runtime's observability vocabulary (RUNTIME.md §15).
public enum RuntimeEventKind: Sendable, Hashable {
    case inputAccepted(InputID)
    case inputDeduplicated(InputID, existingID: InputID)
    case inputCoalesced(InputID, aggregateID: InputID)
    case inputQueued(InputID)
    case inputStaged(InputID, runID: RunID)
    case inputApplied(InputID, runID: RunID)
    case inputConsumed(InputID, runID: RunID?)
    case inputAbandoned(InputID, reason: InputAbandonReason)
    case inputStateTransitioned(InputID, from: InputLifecycleState, to: InputLifecycleState)
    case runStarted(RunID)
    case runCompleted(RunID)
    case runFailed(RunID, error: ErrorReport)
    case runCancelled(RunID)
    case runtimeStateChanged(from: RuntimeState, to: RuntimeState)
    /// A failure on a path no caller is waiting on (the run loop's staging and settlement, a live checkpoint,
    /// mid-run progress): published and counted (`SessionRuntime.backgroundFailureCount`), never dropped.
    case backgroundFailure(operation: String, runID: RunID?, error: ErrorReport)
    /// The session's LLM identity changed (a reconfiguration, an `until_changed` switch, the first hydration).
    case llmIdentityChanged(from: SessionLLMIdentity?, to: SessionLLMIdentity)
    /// The effective model changed: the topology epoch moved.
    case routingTopologyChanged(epoch: UInt64, effectiveModel: ModelID?, baselineModel: ModelID?)
    /// A finite switch was accepted and waits for the next assistant turn.
    case switchTurnPending(requestID: String, targetModel: ModelID, turns: Int)
    /// A finite switch became the active turn override.
    case switchTurnActivated(requestID: String, targetModel: ModelID, remainingTurns: Int)
    /// A switch request reached its (single) terminal.
    case switchTurnTerminal(requestID: String, terminal: SwitchRequestTerminal)
    /// An image operation entered a phase (its terminal included).
    case imageOperationPhase(operationID: ImageOperationID, phase: ImageOperationPhase)

    /// `input_lifecycle`, `run_lifecycle` or `runtime_state_change`.
    public var category: String {
        switch self {
        case .inputAccepted, .inputDeduplicated, .inputCoalesced, .inputQueued, .inputStaged, .inputApplied,
            .inputConsumed, .inputAbandoned, .inputStateTransitioned:
            "input_lifecycle"
        case .runStarted, .runCompleted, .runFailed, .runCancelled: "run_lifecycle"
        case .runtimeStateChanged: "runtime_state_change"
        case .backgroundFailure: "runtime_failure"
        case .llmIdentityChanged, .routingTopologyChanged, .switchTurnPending, .switchTurnActivated,
            .switchTurnTerminal, .imageOperationPhase:
            "model_routing"
        }
    }

    /// The dotted event code (`input.accepted`, `run.started`, ...).
    public var code: String {
        switch self {
        case .inputAccepted: "input.accepted"
        case .inputDeduplicated: "input.deduplicated"
        case .inputCoalesced: "input.coalesced"
        case .inputQueued: "input.queued"
        case .inputStaged: "input.staged"
        case .inputApplied: "input.applied"
        case .inputConsumed: "input.consumed"
        case .inputAbandoned: "input.abandoned"
        case .inputStateTransitioned: "input.state_transitioned"
        case .runStarted: "run.started"
        case .runCompleted: "run.completed"
        case .runFailed: "run.failed"
        case .runCancelled: "run.cancelled"
        case .runtimeStateChanged: "runtime.state_changed"
        case .backgroundFailure: "runtime.background_failure"
        case .llmIdentityChanged: "llm.identity_changed"
        case .routingTopologyChanged: "routing.topology_changed"
        case .switchTurnPending: "routing.switch_pending"
        case .switchTurnActivated: "routing.switch_activated"
        case .switchTurnTerminal: "routing.switch_terminal"
        case .imageOperationPhase: "routing.image_operation"
        }
    }

    /// The event's data fields.
    public var data: [String: JSONValue] {
        var data: [String: JSONValue] = ["code": .string(code)]
        switch self {
        case .inputAccepted(let id), .inputQueued(let id):
            data["input_id"] = .string(id.description)
        case .inputDeduplicated(let id, let existing):
            data["input_id"] = .string(id.description)
            data["existing_id"] = .string(existing.description)
        case .inputCoalesced(let id, let aggregate):
            data["input_id"] = .string(id.description)
            data["aggregate_id"] = .string(aggregate.description)
        case .inputStaged(let id, let run), .inputApplied(let id, let run):
            data["input_id"] = .string(id.description)
            data["run_id"] = .string(run.description)
        case .inputConsumed(let id, let run):
            data["input_id"] = .string(id.description)
            if let run { data["run_id"] = .string(run.description) }
        case .inputAbandoned(let id, let reason):
            data["input_id"] = .string(id.description)
            data["reason"] = .string(reason.description)
        case .inputStateTransitioned(let id, let from, let to):
            data["input_id"] = .string(id.description)
            data["from"] = .string(from.rawValue)
            data["to"] = .string(to.rawValue)
        case .runStarted(let run), .runCompleted(let run), .runCancelled(let run):
            data["run_id"] = .string(run.description)
        case .runFailed(let run, let error):
            data["run_id"] = .string(run.description)
            data["error"] = ["class": .string(error.errorClass.rawValue), "message": .string(error.message)]
        case .runtimeStateChanged(let from, let to):
            data["from"] = .string(from.rawValue)
            data["to"] = .string(to.rawValue)
        case .backgroundFailure(let operation, let run, let error):
            data["operation"] = .string(operation)
            if let run { data["run_id"] = .string(run.description) }
            data["error"] = [
                "class": .string(error.errorClass.rawValue), "reason": .string(error.reason ?? ""),
                "message": .string(error.message),
            ]
        case .llmIdentityChanged(let from, let to):
            if let from { data["from"] = ["model": .string(from.model), "provider": .string(from.provider)] }
            data["to"] = ["model": .string(to.model), "provider": .string(to.provider)]
        case .routingTopologyChanged(let epoch, let effective, let baseline):
            data["topology_epoch"] = .number(Double(epoch))
            if let effective { data["effective_model"] = .string(effective) }
            if let baseline { data["baseline_model"] = .string(baseline) }
        case .switchTurnPending(let request, let target, let turns):
            data["request_id"] = .string(request)
            data["target_model"] = .string(target)
            data["turns"] = .number(Double(turns))
        case .switchTurnActivated(let request, let target, let remaining):
            data["request_id"] = .string(request)
            data["target_model"] = .string(target)
            data["remaining_turns"] = .number(Double(remaining))
        case .switchTurnTerminal(let request, let terminal):
            data["request_id"] = .string(request)
            data["terminal"] = .string(terminal.description)
        case .imageOperationPhase(let operation, let phase):
            data["operation_id"] = .string(operation)
            switch phase {
            case .planResolved: data["phase"] = "plan_resolved"
            case .scopedOverrideActive: data["phase"] = "scoped_override_active"
            case .restoringScopedOverride: data["phase"] = "restoring_scoped_override"
            case .terminal(let terminal):
                data["phase"] = "terminal"
                data["terminal"] = .string(terminal.rawValue)
            }
        }
        return data
    }
}

/// An observability event in its envelope: `{id, timestamp, runtime_id, event: {category, data}}`.
public struct RuntimeEvent: Sendable, Hashable, Encodable {
    public var id: UUID
    public var timestamp: Date
    public var runtimeID: LogicalRuntimeID
    public var kind: RuntimeEventKind

    public init(id: UUID = UUIDv7.make(), timestamp: Date = Date(), runtimeID: LogicalRuntimeID, kind: RuntimeEventKind)
    {
        self.id = id
        self.timestamp = timestamp
        self.runtimeID = runtimeID
        self.kind = kind
    }

    /// The envelope as JSON, built directly: what `encode(to:)` writes, and what the event log stores for it.
    public var jsonValue: JSONValue {
        .object([
            "id": .string(id.lowercaseText),
            "timestamp": .string(WireJSON.formatDate(timestamp)),
            "runtime_id": .string(runtimeID.rawValue),
            "event": .object(["category": .string(kind.category), "data": .object(kind.data)]),
        ])
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

extension RuntimeEvent: SessionEventSource {
    /// The envelope (`jsonValue`), as a session's event log stores it.
    public func logJSON() -> JSONValue { jsonValue }
}

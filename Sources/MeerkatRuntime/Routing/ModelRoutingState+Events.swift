import Foundation
import MeerkatCore

extension ModelRoutingState {
    /// The runtime events of the move from `old` to this state (RUNTIME.md §15), derived from the two states so that
    /// every adopted routing change publishes exactly what changed, in this order: identity, switch activity and
    /// terminals, image-operation phases, then the topology epoch.
    public func events(since old: ModelRoutingState) -> [RuntimeEventKind] {
        var events: [RuntimeEventKind] = []
        if let identity, identity != old.identity {
            events.append(.llmIdentityChanged(from: old.identity, to: identity))
        }
        if let pending = pendingSwitch, pending != old.pendingSwitch {
            events.append(
                .switchTurnPending(requestID: pending.requestID, targetModel: pending.targetModel, turns: pending.turns)
            )
        }
        if let active = turnOverride, active.requestID != old.turnOverride?.requestID {
            events.append(
                .switchTurnActivated(
                    requestID: active.requestID, targetModel: active.targetModel,
                    remainingTurns: active.remainingTurns))
        }
        let known = Set(old.requestTerminals.map(\.requestID))
        for record in requestTerminals where !known.contains(record.requestID) {
            events.append(.switchTurnTerminal(requestID: record.requestID, terminal: record.terminal))
        }
        for record in operations where old.operation(record.operationID)?.phase != record.phase {
            events.append(.imageOperationPhase(operationID: record.operationID, phase: record.phase))
        }
        if topologyEpoch != old.topologyEpoch {
            events.append(
                .routingTopologyChanged(
                    epoch: topologyEpoch, effectiveModel: effectiveModel, baselineModel: baseline?.model))
        }
        return events
    }
}

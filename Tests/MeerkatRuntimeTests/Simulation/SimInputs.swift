import Foundation
import MeerkatCore
import MeerkatRuntime

/// A randomly generated input and what the simulation expects admission to do with it.
struct SimInput {
    var input: Input
    /// True when validation (RUNTIME.md §2.4) must reject it.
    var expectRejected: Bool
}

/// Random inputs of every kind and lane for the simulations.
struct SimInputFactory {
    var ids: SimIDs
    /// Idempotency keys are drawn from a small pool so that retries collide.
    var keyPool = ["k0", "k1", "k2", "k3", "k4", "k5"]
    /// Supersession keys of progress updates (shared so later updates coalesce earlier ones).
    var supersessionPool = ["job-a", "job-b"]
    var allowEphemeral: Bool
    /// Silent request intents of the session (RUNTIME.md §2.5).
    static let silentIntent = "quiet"

    init(space: UInt8, allowEphemeral: Bool) {
        ids = SimIDs(space: space)
        self.allowEphemeral = allowEphemeral
    }

    mutating func make(_ rng: inout SimRandom) -> SimInput {
        let id = ids.input()
        let key: IdempotencyKey? = rng.chance(20) ? rng.pick(keyPool).map { IdempotencyKey($0) } : nil
        let durability: InputDurability = allowEphemeral && rng.chance(8) ? .ephemeral : .durable
        let peerOrigin = InputOrigin.peer(peerID: "peer-\(rng.below(3))", displayIdentity: "Peer", runtimeID: nil)
        let text = "t\(rng.below(1000))"
        switch rng.weighted([22, 8, 10, 6, 8, 5, 10, 4, 3, 2, 3, 6, 2, 2]) {
        case 0, 1:
            let steer = rng.chance(30)
            let model = rng.chance(15) ? rng.pick(["m1", "m2"]) : nil
            let metadata: RuntimeTurnMetadata? =
                steer || model != nil ? RuntimeTurnMetadata(handlingMode: steer ? .steer : nil, model: model) : nil
            return SimInput(
                input: .prompt(
                    PromptInput(
                        header: InputHeader(id: id, durability: durability, idempotencyKey: key),
                        content: .text(text), turnMetadata: metadata)),
                expectRejected: false)
        case 2:
            let mode = rng.pick([nil, HandlingMode.queue, .steer]) ?? nil
            return SimInput(
                input: .peer(
                    PeerInput(
                        header: InputHeader(id: id, source: peerOrigin, idempotencyKey: key), content: .text(text),
                        handlingMode: mode)),
                expectRejected: false)
        case 3:
            let mode = rng.pick([nil, HandlingMode.queue, .steer]) ?? nil
            let intent = rng.chance(30) ? Self.silentIntent : "ask"
            return SimInput(
                input: .peer(
                    PeerInput(
                        header: InputHeader(id: id, source: peerOrigin, idempotencyKey: key),
                        convention: .request(requestID: "r\(rng.below(50))", intent: intent), content: .text(text),
                        handlingMode: mode)),
                expectRejected: false)
        case 4:
            let supersession = rng.chance(75) ? rng.pick(supersessionPool).map { SupersessionKey($0) } : nil
            return SimInput(
                input: .peer(
                    PeerInput(
                        header: InputHeader(
                            id: id, source: peerOrigin, idempotencyKey: key, supersessionKey: supersession),
                        convention: .responseProgress(requestID: "r\(rng.below(5))", phase: .inProgress),
                        content: .text(text))),
                expectRejected: false)
        case 5:
            let cancelled = rng.chance(10)
            let status: PeerResponseTerminalStatus = cancelled ? .cancelled : (rng.chance(70) ? .completed : .failed)
            let mode = rng.chance(30) ? HandlingMode.steer : nil
            return SimInput(
                input: .peer(
                    PeerInput(
                        header: InputHeader(id: id, source: peerOrigin, idempotencyKey: key),
                        convention: .responseTerminal(requestID: "r\(rng.below(50))", status: status),
                        content: .text(text), handlingMode: mode)),
                expectRejected: cancelled)
        case 6:
            let mode: HandlingMode = rng.chance(25) ? .steer : .queue
            return SimInput(
                input: .externalEvent(
                    ExternalEventInput(
                        header: InputHeader(
                            id: id, source: .external(sourceName: "hook"), durability: durability,
                            idempotencyKey: key),
                        eventType: "e\(rng.below(4))", payload: ["body": .string(text)], handlingMode: mode)),
                expectRejected: false)
        case 7:
            return SimInput(input: .continuation(.detachedBackgroundOpCompleted(id: id)), expectRejected: false)
        case 8:
            return SimInput(
                input: .continuation(
                    ContinuationInput(
                        header: InputHeader(id: id, source: .system, idempotencyKey: key), reason: "resume",
                        handlingMode: .queue)),
                expectRejected: false)
        case 9:
            return SimInput(
                input: .continuation(
                    ContinuationInput(
                        header: InputHeader(id: id, source: .system, idempotencyKey: key), reason: "attention",
                        continuationKind: .workgraphAttention, handlingMode: rng.chance(50) ? .steer : .queue)),
                expectRejected: false)
        case 10:
            return SimInput(
                input: .operation(
                    OperationInput(
                        header: InputHeader(id: id, source: .system, idempotencyKey: key), operationID: "op",
                        event: .started)),
                expectRejected: false)
        case 11:
            let model = rng.chance(40) ? rng.pick(["m1", "m2"]) : nil
            let steer = rng.chance(20)
            let metadata: RuntimeTurnMetadata? =
                steer || model != nil ? RuntimeTurnMetadata(handlingMode: steer ? .steer : nil, model: model) : nil
            return SimInput(
                input: .flowStep(
                    FlowStepInput(
                        header: InputHeader(id: id, source: .flow(flowID: "f", stepIndex: 0), idempotencyKey: key),
                        stepID: "s\(rng.below(9))", content: .text(text), turnMetadata: metadata)),
                expectRejected: false)
        case 12:
            // Derived durability from the operator: rule 2 rejects it.
            return SimInput(
                input: .prompt(
                    PromptInput(
                        header: InputHeader(id: id, durability: .derived, idempotencyKey: key), content: .text(text))),
                expectRejected: true)
        default:
            // A handling mode on a progress update: rule 4 rejects it.
            return SimInput(
                input: .peer(
                    PeerInput(
                        header: InputHeader(id: id, source: peerOrigin, idempotencyKey: key),
                        convention: .responseProgress(requestID: "r1", phase: .accepted), content: .text(text),
                        handlingMode: .queue)),
                expectRejected: true)
        }
    }

    /// The lane an accepted input must wait in (RUNTIME.md §4.2), nil when it is consumed on accept.
    static func expectedLane(_ input: Input) -> InputLane? {
        switch input {
        case .operation: return nil
        case .continuation(let continuation):
            if continuation.continuationKind == .workgraphAttention { return .queue }
            return continuation.handlingMode == .queue ? .queue : .steer
        case .peer(let peer) where peer.kind == .peerResponseProgress:
            return .steer
        default:
            return input.requestedLane ?? .queue
        }
    }
}

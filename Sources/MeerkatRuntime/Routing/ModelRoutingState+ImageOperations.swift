import Foundation

/// The image-operation protocol of RUNTIME.md §14 as moves on the routing state.
extension ModelRoutingState {
    /// Step 1: the planner denied the operation before it began. Only for an id not yet recorded.
    public mutating func denyImageOperationPlan(_ id: ImageOperationID, reason: ImageOperationDenialReason)
        throws(RoutingGuardError) -> ImageOperationPhase
    {
        guard operation(id) == nil else { throw .operationAlreadyRecorded(id) }
        record(
            ImageOperationRecord(
                operationID: id, targetModel: "", targetRealtime: false, requiresScopedOverride: false,
                phase: .terminal(.denied)))
        return .terminal(.denied)
    }

    /// Step 2: begin. Denied (and recorded terminal `denied`) on approval, on a conflicting operation override or
    /// without a known baseline; otherwise `plan_resolved`.
    public mutating func beginImageOperation(_ request: ImageOperationRoutingRequest) throws(RoutingGuardError)
        -> ImageOperationRoutingResult
    {
        guard operation(request.operationID) == nil else { throw .operationAlreadyRecorded(request.operationID) }
        let denial: ImageOperationDenialReason? =
            switch request.approval {
            case .requiredButUnavailable: .approvalRequiredButUnavailable
            case .deniedByUser: .deniedDuringApproval(approvable: request.approvalReason != nil)
            case .notRequired, .approved:
                if operationOverride != nil {
                    .scopedOverrideConflict
                } else if baseline == nil {
                    .unknownBaseline
                } else {
                    nil
                }
            }
        var record = ImageOperationRecord(
            operationID: request.operationID, targetModel: request.targetModel, targetRealtime: request.targetRealtime,
            requiresScopedOverride: request.requiresScopedOverride, phase: .planResolved)
        if let denial {
            record.phase = .terminal(.denied)
            self.record(record)
            return .denied(operationID: request.operationID, reason: denial.description)
        }
        self.record(record)
        return .accepted(operationID: request.operationID, phase: .planResolved)
    }

    /// Step 3: the operation override becomes active (effective model = its target, epoch += 1). It coexists with
    /// a finite turn override and wins while active.
    public mutating func activateImageOperationOverride(_ id: ImageOperationID) throws(RoutingGuardError)
        -> ImageOperationPhase
    {
        guard let record = operation(id) else { throw .unknownOperation(id) }
        guard record.phase == .planResolved, record.requiresScopedOverride else {
            throw .illegalPhase(operation: id, phase: record.phase, move: "activate its override")
        }
        guard operationOverride == nil else {
            throw .illegalPhase(operation: id, phase: record.phase, move: "activate while another override is active")
        }
        operationOverride = ActiveOperationOverride(
            operationID: id, targetModel: record.targetModel, targetRealtime: record.targetRealtime)
        topologyEpoch += 1
        update(id) { $0.phase = .scopedOverrideActive }
        return .scopedOverrideActive
    }

    /// How much provider text an `empty_result` record keeps.
    public static let providerTextLimit = 2_000

    /// Step 5: classifies what the tool observed (`ImageOperationTerminalClassifier`) and records the class, which
    /// `complete` must then name. `providerText` is kept with `empty_result` (bounded), the only class whose
    /// payload is the provider's text. Allowed once the operation is planned and before it completes.
    public mutating func classifyImageOperation(
        _ id: ImageOperationID, observation: ImageProviderTerminalObservation, providerText: String?
    ) throws(RoutingGuardError) -> ImageOperationTerminalClass {
        guard let record = operation(id) else { throw .unknownOperation(id) }
        switch record.phase {
        case .planResolved, .scopedOverrideActive: break
        case .restoringScopedOverride, .terminal:
            throw .illegalPhase(operation: id, phase: record.phase, move: "classify")
        }
        let terminal = ImageOperationTerminalClassifier.classify(observation)
        update(id) {
            $0.classifiedTerminal = terminal
            $0.providerText =
                terminal == .emptyResult ? providerText.map { String($0.prefix(Self.providerTextLimit)) } : nil
        }
        return terminal
    }

    /// Step 6: completes with the classified terminal: `restoring_scoped_override` while this operation's override
    /// is active (the caller then restores), else `terminal`.
    public mutating func completeImageOperation(_ id: ImageOperationID, terminal: ImageOperationTerminalClass)
        throws(RoutingGuardError) -> ImageOperationPhase
    {
        guard let record = operation(id) else { throw .unknownOperation(id) }
        if let classified = record.classifiedTerminal, classified != terminal {
            throw .terminalMismatch(operation: id, expected: classified, got: terminal)
        }
        switch record.phase {
        case .planResolved where !record.requiresScopedOverride:
            update(id) { $0.phase = .terminal(terminal) }
            return .terminal(terminal)
        case .planResolved:
            // Planned with an override that was never activated: nothing to restore.
            update(id) { $0.phase = .terminal(terminal) }
            return .terminal(terminal)
        case .scopedOverrideActive:
            update(id) {
                $0.phase = .restoringScopedOverride
                $0.pendingTerminal = terminal
            }
            return .restoringScopedOverride
        case .restoringScopedOverride, .terminal:
            throw .illegalPhase(operation: id, phase: record.phase, move: "complete")
        }
    }

    /// Step 7 (and every error path): clears this operation's override (epoch += 1 when one was active) and makes
    /// the operation terminal. Idempotent: a terminal operation answers its terminal and changes nothing. Without a
    /// recorded `complete`, the terminal is `fallback` (the error path's class, `cancelled` by default).
    public mutating func restoreImageOperationOverride(
        _ id: ImageOperationID, fallback: ImageOperationTerminalClass = .cancelled
    ) throws(RoutingGuardError) -> ImageOperationPhase {
        guard let record = operation(id) else { throw .unknownOperation(id) }
        return close(record, fallback: fallback)
    }

    /// Clears the override of `record` if it holds it and makes the operation terminal (a terminal one is returned).
    private mutating func close(_ record: ImageOperationRecord, fallback: ImageOperationTerminalClass)
        -> ImageOperationPhase
    {
        if case .terminal = record.phase { return record.phase }
        if operationOverride?.operationID == record.operationID {
            operationOverride = nil
            topologyEpoch += 1
        }
        let terminal = record.pendingTerminal ?? fallback
        update(record.operationID) {
            $0.phase = .terminal(terminal)
            $0.pendingTerminal = nil
        }
        return .terminal(terminal)
    }

    /// Crash recovery: no override survives a restart. Every non-terminal operation is restored with terminal
    /// `failed` (its provider call's outcome is unknown; a recorded `complete` terminal is kept). Returns the ids
    /// it closed.
    public mutating func recoverImageOperations() -> [ImageOperationID] {
        var closed: [ImageOperationID] = []
        for record in operations {
            if case .terminal = record.phase { continue }
            _ = close(record, fallback: .failed)
            closed.append(record.operationID)
        }
        if operationOverride != nil {
            operationOverride = nil
            topologyEpoch += 1
        }
        return closed
    }

    private mutating func record(_ record: ImageOperationRecord) {
        operations.append(record)
        let terminal = operations.indices.filter {
            if case .terminal = operations[$0].phase { true } else { false }
        }
        if terminal.count > Self.terminalRecordLimit {
            let drop = Set(terminal.prefix(terminal.count - Self.terminalRecordLimit))
            operations = operations.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
    }

    private mutating func update(_ id: ImageOperationID, _ change: (inout ImageOperationRecord) -> Void) {
        guard let index = operations.lastIndex(where: { $0.operationID == id }) else { return }
        change(&operations[index])
    }
}

extension ImageOperationPhase: Codable {
    private enum CodingKeys: String, CodingKey { case phase, terminal }

    /// The wire name of the phase.
    public var wireName: String {
        switch self {
        case .planResolved: "plan_resolved"
        case .scopedOverrideActive: "scoped_override_active"
        case .restoringScopedOverride: "restoring_scoped_override"
        case .terminal: "terminal"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .phase) {
        case "plan_resolved": self = .planResolved
        case "scoped_override_active": self = .scopedOverrideActive
        case "restoring_scoped_override": self = .restoringScopedOverride
        case "terminal": self = .terminal(try container.decode(ImageOperationTerminalClass.self, forKey: .terminal))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .phase, in: container, debugDescription: "unknown image operation phase '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(wireName, forKey: .phase)
        if case .terminal(let terminal) = self { try container.encode(terminal, forKey: .terminal) }
    }
}

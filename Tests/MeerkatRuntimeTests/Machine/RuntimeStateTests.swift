import Testing

@testable import MeerkatRuntime

/// RUNTIME.md §8 classification table, one row per state.
@Suite struct RuntimeStateTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var state: RuntimeState
        var acceptsInput: Bool
        var queueAdmission: RuntimeQueueAdmission
        var canPrepareRun: Bool
        var ingress: RuntimeIngressClass
        var terminal: Bool
        var testDescription: String { state.rawValue }
    }

    static let table: [Row] = [
        Row(
            state: .initializing, acceptsInput: false, queueAdmission: .none, canPrepareRun: false, ingress: .open,
            terminal: false),
        Row(
            state: .idle, acceptsInput: true, queueAdmission: .newRun, canPrepareRun: true, ingress: .open,
            terminal: false),
        Row(
            state: .attached, acceptsInput: true, queueAdmission: .newRun, canPrepareRun: true, ingress: .open,
            terminal: false),
        Row(
            state: .running, acceptsInput: true, queueAdmission: .preBoundRunOnly, canPrepareRun: false, ingress: .open,
            terminal: false),
        Row(
            state: .retired, acceptsInput: false, queueAdmission: .newRun, canPrepareRun: false, ingress: .notReady,
            terminal: false),
        Row(
            state: .stopped, acceptsInput: false, queueAdmission: .none, canPrepareRun: false, ingress: .notReady,
            terminal: false),
        Row(
            state: .destroyed, acceptsInput: false, queueAdmission: .none, canPrepareRun: false, ingress: .destroyed,
            terminal: true),
    ]

    @Test(arguments: table)
    func classification(row: Row) {
        #expect(row.state.acceptsInput == row.acceptsInput)
        #expect(row.state.queueAdmission == row.queueAdmission)
        #expect(row.state.processesQueue == (row.queueAdmission != .none))
        #expect(row.state.canPrepareRun == row.canPrepareRun)
        #expect(row.state.ingressClass == row.ingress)
        #expect(row.state.isTerminal == row.terminal)
    }

    @Test func tableCoversEveryState() {
        #expect(Self.table.map(\.state) == RuntimeState.allCases)
        #expect(
            RuntimeState.allCases.map(\.rawValue) == [
                "initializing", "idle", "attached", "running", "retired", "stopped", "destroyed",
            ])
    }

    @Test func acceptErrorsFollowTheClassification() {
        #expect(RuntimeState.idle.acceptError == nil)
        #expect(RuntimeState.running.acceptError == nil)
        #expect(RuntimeState.initializing.acceptError == .notReady(state: .initializing))
        #expect(RuntimeState.retired.acceptError == .notReady(state: .retired))
        #expect(RuntimeState.stopped.acceptError == .notReady(state: .stopped))
        #expect(RuntimeState.destroyed.acceptError == .destroyed)
    }

    @Test func durableProjection() {
        #expect(RuntimeState.attached.durableProjection() == .idle)
        #expect(RuntimeState.running.durableProjection(preRunPhase: .attached) == .idle)
        #expect(RuntimeState.running.durableProjection(preRunPhase: .retired) == .retired)
        #expect(RuntimeState.stopped.durableProjection() == .stopped)
        #expect(RuntimeState.retired.durableProjection() == .retired)
    }

    @Test func busyAndPreRunPhases() {
        #expect(RuntimeState.allCases.filter(\.isBusy) == [.running, .retired])
        #expect(RuntimeState.allCases.filter(\.isValidPreRunPhase) == [.idle, .attached, .retired])
    }
}

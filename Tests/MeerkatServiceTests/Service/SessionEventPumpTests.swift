import Foundation
import Logging
import MeerkatCore
import Synchronization
import Testing

@testable import MeerkatRuntime
@testable import MeerkatService

/// The event pump takes events through sinks (no task per subscription) and runs a consumer only while events wait.
@Suite struct SessionEventPumpTests {
    private let session = SessionID()
    private let store = InMemorySessionEventLogStore()
    private let bus = EventBus(source: "agent")
    private let runtime = RuntimeEventStream()

    private func makePump(
        appendDelay: Duration = .zero, unobservedDelay: Duration = .seconds(600),
        store: (any SessionEventLogStore)? = nil,
        log: SessionEventLog? = nil
    ) -> SessionEventPump {
        SessionEventPump(
            session: session, agentEvents: bus, runtimeEvents: runtime,
            log: log
                ?? SessionEventLog(
                    store: store ?? self.store,
                    policy: SessionEventLogPolicy(appendDelay: appendDelay, unobservedDelay: unobservedDelay)),
            stats: SessionServiceStats(), logger: Logger(label: "test"))
    }

    /// Counts the writes that reach a store, and reports each on `written`.
    private final class CountingStore: SessionEventLogStore {
        let inner: InMemorySessionEventLogStore
        let writes = Mutex(0)
        let written: AsyncStream<Int>
        private let signal: AsyncStream<Int>.Continuation
        init(_ inner: InMemorySessionEventLogStore) {
            self.inner = inner
            (written, signal) = AsyncStream<Int>.makeStream()
        }

        private func wrote() {
            signal.yield(
                writes.withLock {
                    $0 += 1; return $0
                })
        }

        func append(session: SessionID, kind: String, timestamp: Date, event: JSONValue)
            async throws(SessionStoreError) -> SessionEventRecord
        {
            defer { wrote() }
            return try await inner.append(session: session, kind: kind, timestamp: timestamp, event: event)
        }
        func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError)
            -> [SessionEventRecord]
        {
            defer { wrote() }
            return try await inner.append(session: session, entries: entries)
        }
        func events(session: SessionID, after: UInt64, limit: Int) async throws(SessionStoreError)
            -> [SessionEventRecord]
        {
            try await inner.events(session: session, after: after, limit: limit)
        }
        func bounds(session: SessionID) async throws(SessionStoreError) -> ClosedRange<UInt64>? {
            try await inner.bounds(session: session)
        }
        func prune(session: SessionID, keepLast: Int, olderThan: Date) async throws(SessionStoreError) {
            try await inner.prune(session: session, keepLast: keepLast, olderThan: olderThan)
        }
        func delete(session: SessionID) async throws(SessionStoreError) { try await inner.delete(session: session) }
    }

    private func logged() async throws -> [SessionEventRecord] {
        try await store.events(session: session, after: 0, limit: 10_000)
    }

    @Test func everyEventIsLoggedInPublishOrderAndAnIdlePumpHoldsNoTask() async throws {
        let pump = makePump()
        #expect(pump.isIdle)
        #expect(runtime.hasSubscribers)
        let input = InputID()
        var published: [RuntimeEvent] = []
        for turn in 1...300 {
            bus.publish(.turnStarted(turnNumber: turn))
            let events = [
                RuntimeEvent(runtimeID: .session(session), kind: .inputQueued(input)),
                RuntimeEvent(runtimeID: .session(session), kind: .inputAccepted(input)),
            ]
            published += events
            runtime.publish(events)
        }
        await pump.drained()
        #expect(pump.isIdle)
        let records = try await logged()
        #expect(records.count == 900)
        #expect(records.map(\.seq) == Array(1...900))
        // Arrival order: each turn's agent event, then its two runtime events in the order published.
        for (index, record) in records.enumerated() {
            switch index % 3 {
            case 0:
                #expect(record.kind == "agent")
                #expect(record.event["turn_number"] == .number(Double(index / 3 + 1)))
            default:
                #expect(record.kind == "runtime")
                #expect(record.event == (try WireJSON.toJSONValue(published[index / 3 * 2 + index % 3 - 1])))
            }
        }
        // The pump is no bus subscriber (no buffer to overflow, nothing dropped).
        #expect(bus.subscriberCount == 0)

        // After `stop` nothing more is taken.
        pump.stop()
        bus.publish(.turnStarted(turnNumber: 999))
        runtime.publish([RuntimeEvent(runtimeID: .session(session), kind: .inputQueued(input))])
        #expect(!runtime.hasSubscribers)
        await pump.drained()
        #expect(try await logged().count == 900)
    }

    /// Events published within the append delay of the first one go into one write (a watched session).
    @Test func aBurstWithinTheAppendDelayIsOneWrite() async throws {
        let counting = CountingStore(store)
        let log = SessionEventLog(store: counting, policy: SessionEventLogPolicy(appendDelay: .seconds(5)))
        let subscription = try await log.subscribe(session: session, after: nil)
        let pump = makePump(log: log)
        let input = InputID()
        bus.publish(.turnStarted(turnNumber: 1))
        runtime.publish([RuntimeEvent(runtimeID: .session(session), kind: .inputQueued(input))])
        bus.publish(.turnStarted(turnNumber: 2))
        #expect(counting.writes.withLock { $0 } == 0)  // still gathering (for up to 5 s)
        #expect(!pump.isIdle)
        pump.stop()
        await pump.drained()
        #expect(counting.writes.withLock { $0 } == 1)
        #expect(try await logged().map(\.kind) == ["agent", "runtime", "agent"])
        _ = subscription
    }

    private func runEvents(_ input: InputID, run: RunID) -> [RuntimeEvent] {
        [
            RuntimeEvent(runtimeID: .session(session), kind: .runStarted(run)),
            RuntimeEvent(runtimeID: .session(session), kind: .runtimeStateChanged(from: .attached, to: .running)),
            RuntimeEvent(runtimeID: .session(session), kind: .inputConsumed(input, runID: run)),
            RuntimeEvent(runtimeID: .session(session), kind: .runCompleted(run)),
            RuntimeEvent(runtimeID: .session(session), kind: .runtimeStateChanged(from: .running, to: .attached)),
        ]
    }

    /// Nobody subscribes: the run's events wait (no timer, no task) and are written together when the runtime leaves
    /// `running`, without `drained`.
    @Test func anUnwatchedRunIsWrittenOnceWhenItEnds() async throws {
        let counting = CountingStore(store)
        let pump = makePump(appendDelay: .seconds(5), store: counting)
        let input = InputID()
        let run = RunID()
        let events = runEvents(input, run: run)
        runtime.publish([events[0], events[1]])
        bus.publish(.turnStarted(turnNumber: 1))
        bus.publish(.turnCompleted(stopReason: .endTurn, usage: nil))
        runtime.publish([events[2], events[3]])
        #expect(counting.writes.withLock { $0 } == 0)
        #expect(!pump.isIdle)  // waiting, but no consumer task
        runtime.publish([events[4]])
        var writes = counting.written.makeAsyncIterator()
        #expect(await writes.next() == 1)
        await pump.drained()
        #expect(counting.writes.withLock { $0 } == 1)
        #expect(
            try await logged().map(\.kind) == ["runtime", "runtime", "agent", "agent", "runtime", "runtime", "runtime"])
        #expect(pump.isIdle)
    }

    /// Events no run end follows are written after `unobservedDelay`; `batchLimit` waiting events are written at once.
    @Test func unwatchedEventsAreWrittenAfterTheUnobservedDelayOrAtTheBatchLimit() async throws {
        let counting = CountingStore(store)
        let pump = makePump(unobservedDelay: .milliseconds(1), store: counting)
        var writes = counting.written.makeAsyncIterator()
        bus.publish(.turnStarted(turnNumber: 1))
        #expect(await writes.next() == 1)
        pump.stop()
        await pump.drained()

        let patient = CountingStore(InMemorySessionEventLogStore())
        let other = makePump(store: patient)
        var patientWrites = patient.written.makeAsyncIterator()
        for turn in 1...SessionEventPump.batchLimit { bus.publish(.turnStarted(turnNumber: turn)) }
        #expect(await patientWrites.next() == 1)
        await other.drained()
        #expect(
            try await patient.events(session: session, after: 0, limit: 10_000).count == SessionEventPump.batchLimit)
    }

    /// A reader sees what waits: `drained` writes it first.
    @Test func drainedWritesWhatWaits() async throws {
        let pump = makePump()
        bus.publish(.turnStarted(turnNumber: 1))
        #expect(try await logged().isEmpty)
        await pump.drained()
        #expect(try await logged().count == 1)
    }

    @Test func concurrentPublishersLoseNothing() async throws {
        let pump = makePump()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { [bus] in
                    for turn in 0..<100 { bus.publish(.turnStarted(turnNumber: task * 1000 + turn)) }
                }
            }
        }
        await pump.drained()
        let records = try await logged()
        #expect(records.count == 800)
        // The log keeps the bus's order (its sequence numbers).
        let turns = records.compactMap { $0.event["turn_number"]?.intValue }
        #expect(Set(turns).count == 800)
        #expect(pump.isIdle)
    }
}

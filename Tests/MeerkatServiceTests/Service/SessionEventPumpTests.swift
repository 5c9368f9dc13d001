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

    private func makePump(appendDelay: Duration = .zero, store: (any SessionEventLogStore)? = nil) -> SessionEventPump {
        SessionEventPump(
            session: session, agentEvents: bus, runtimeEvents: runtime,
            log: SessionEventLog(store: store ?? self.store, policy: SessionEventLogPolicy(appendDelay: appendDelay)),
            stats: SessionServiceStats(), logger: Logger(label: "test"))
    }

    /// Counts the writes that reach a store.
    private final class CountingStore: SessionEventLogStore {
        let inner: InMemorySessionEventLogStore
        let writes = Mutex(0)
        init(_ inner: InMemorySessionEventLogStore) { self.inner = inner }

        func append(session: SessionID, kind: String, timestamp: Date, event: JSONValue)
            async throws(SessionStoreError) -> SessionEventRecord
        {
            writes.withLock { $0 += 1 }
            return try await inner.append(session: session, kind: kind, timestamp: timestamp, event: event)
        }
        func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError)
            -> [SessionEventRecord]
        {
            writes.withLock { $0 += 1 }
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

    /// Events published within the append delay of the first one go into one write.
    @Test func aBurstWithinTheAppendDelayIsOneWrite() async throws {
        let counting = CountingStore(store)
        let pump = makePump(appendDelay: .seconds(5), store: counting)
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

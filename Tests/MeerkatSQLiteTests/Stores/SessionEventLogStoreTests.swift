import Foundation
import MeerkatCore
import Synchronization
import Testing

@testable import MeerkatSQLite

/// Both event log stores: a batch append numbers its events after the session's last one, in order, exactly as
/// appending them one by one would, and is read back whole (SQLite: after reopening).
@Suite struct SessionEventLogStoreTests {
    private let date = Date(timeIntervalSince1970: 1_780_000_000.25)

    private func entries(_ names: [String]) -> [SessionEventEntry] {
        names.enumerated().map { offset, name in
            SessionEventEntry(
                kind: offset.isMultiple(of: 2) ? "agent" : "runtime",
                timestamp: date.addingTimeInterval(Double(offset)),
                event: ["type": .string(name), "n": .number(Double(offset))])
        }
    }

    private func exercise(_ store: any SessionEventLogStore) async throws {
        let session = SessionID()
        let other = SessionID()
        #expect(try await store.append(session: session, entries: []).isEmpty)
        let single = try await store.append(session: session, kind: "agent", timestamp: date, event: ["type": "one"])
        #expect(single.seq == 1)
        let batch = try await store.append(session: session, entries: entries(["a", "b", "c"]))
        #expect(batch.map(\.seq) == [2, 3, 4])
        #expect(batch.map(\.kind) == ["agent", "runtime", "agent"])
        _ = try await store.append(session: other, entries: entries(["x"]))
        let after = try await store.append(session: session, kind: "runtime", timestamp: date, event: ["type": "two"])
        #expect(after.seq == 5)
        let read = try await store.events(session: session, after: 0, limit: 100)
        #expect(read == [single] + batch + [after])
        #expect(try await store.bounds(session: session) == 1...5)
        // After pruning, a batch still continues from the newest sequence number.
        try await store.prune(session: session, keepLast: 1, olderThan: date.addingTimeInterval(-1))
        let later = try await store.append(session: session, entries: entries(["d", "e"]))
        #expect(later.map(\.seq) == [6, 7])
        #expect(try await store.events(session: session, after: 4, limit: 100).map(\.seq) == [5, 6, 7])
        #expect(try await store.events(session: other, after: 0, limit: 100).map(\.seq) == [1])
        // A batch longer than one insert statement carries (SQLite: 32 rows) stays dense and in order.
        let long = try await store.append(session: other, entries: entries((0..<75).map { "long \($0)" }))
        #expect(long.map(\.seq) == Array(2...76))
        #expect(try await store.events(session: other, after: 1, limit: 100) == long)
    }

    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// An event handed over unconverted; counts its conversions and can fail them.
    private struct CountingSource: SessionEventSource {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "not finite" }
        }

        let name: String
        let fails: Bool
        let conversions: Counter

        func logJSON() throws -> JSONValue {
            conversions.value.withLock { $0 += 1 }
            if fails { throw Refused() }
            return ["type": .string(name)]
        }
    }

    /// Deferred entries: numbered like any others; the in-memory store converts them only when read
    /// (`convertsOnAppend` false), SQLite when it writes them; one that cannot be encoded is logged as
    /// `unencodable_event` by both.
    private func exerciseDeferred(_ store: any SessionEventLogStore, convertsOnAppend: Bool) async throws {
        let session = SessionID()
        let counts = (0..<3).map { _ in Counter() }
        let sources = [
            CountingSource(name: "a", fails: false, conversions: counts[0]),
            CountingSource(name: "b", fails: true, conversions: counts[1]),
            CountingSource(name: "c", fails: false, conversions: counts[2]),
        ]
        #expect(try await store.appendEntries(session: session, []) == 0)
        _ = try await store.append(session: session, kind: "agent", timestamp: date, event: ["type": "first"])
        let first = try await store.appendEntries(
            session: session,
            sources.map { SessionEventEntry(kind: "agent", timestamp: date, source: $0) })
        #expect(first == 2)
        #expect(counts.map { $0.value.withLock { $0 } } == (convertsOnAppend ? [1, 1, 1] : [0, 0, 0]))
        let read = try await store.events(session: session, after: 1, limit: 10)
        #expect(read.map(\.seq) == [2, 3, 4])
        #expect(read[0].event == ["type": "a"])
        #expect(read[1].event == ["type": "unencodable_event", "error": "not finite"])
        #expect(read[2].event == ["type": "c"])
        #expect(read.allSatisfy { $0.kind == "agent" && $0.timestamp == date })
        // The records `append(session:entries:)` returns carry the same JSON.
        let records = try await store.append(
            session: session, entries: [SessionEventEntry(kind: "runtime", timestamp: date, source: sources[0])])
        #expect(records.map(\.seq) == [5])
        #expect(records[0].event == ["type": "a"])
        #expect(try await store.events(session: session, after: 4, limit: 10) == records)
    }

    @Test func inMemoryKeepsDeferredEventsUnconvertedUntilRead() async throws {
        try await exerciseDeferred(InMemorySessionEventLogStore(), convertsOnAppend: false)
    }

    @Test func sqliteConvertsDeferredEventsWhenItWritesThem() async throws {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: try RealmID("deferred"))
        try await exerciseDeferred(realm.eventLog, convertsOnAppend: true)
        try realm.close()
    }

    @Test func inMemoryBatchesNumberLikeSingleAppends() async throws {
        try await exercise(InMemorySessionEventLogStore())
    }

    @Test func sqliteBatchesAreOneWriteAndSurviveAReopen() async throws {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: try RealmID("events"))
        try await exercise(realm.eventLog)
        let session = SessionID()
        let written = try await realm.eventLog.append(session: session, entries: entries(["p", "q", "r"]))
        try realm.close()
        let reopened = try Realm.open(stateRoot: root.url, realmID: try RealmID("events"))
        #expect(try await reopened.eventLog.events(session: session, after: 0, limit: 10) == written)
        try reopened.close()
    }
}

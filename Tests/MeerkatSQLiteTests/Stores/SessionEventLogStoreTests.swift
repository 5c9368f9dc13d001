import Foundation
import MeerkatCore
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

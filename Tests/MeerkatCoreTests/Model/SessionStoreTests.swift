import Foundation
import MeerkatCore
import Testing

@Suite("In-memory session store")
struct SessionStoreTests {
    private let date = Date(timeIntervalSince1970: 1_800_000_000)

    private func session(labels: [String: String] = [:], messages: Int = 1, at offset: Double = 0) -> Session {
        let at = date.addingTimeInterval(offset)
        return Session(
            messages: (0..<messages).map {
                .user(content: [.text("m\($0)")], transcriptRole: .conversational, createdAt: at)
            },
            metadata: ["labels": .object(labels.mapValues(JSONValue.string))], createdAt: at)
    }

    @Test func savesAreAppendOnly() async throws {
        let store = InMemorySessionStore()
        var value = session(messages: 2)
        try await store.save(value)
        value.messages.append(.system(content: "more", createdAt: date))
        try await store.save(value)
        var rewritten = value
        rewritten.messages[0] = .system(content: "changed", createdAt: date)
        await #expect(throws: SessionStoreError.nonAppendOnly(value.id, "message 0 differs from the committed one")) {
            try await store.save(rewritten)
        }
        var shrunk = value
        shrunk.messages.removeLast()
        await #expect(throws: SessionStoreError.self) { try await store.save(shrunk) }
        #expect(try await store.load(value.id)?.messages.count == 3)
    }

    @Test func listFiltersByLabelsHidesArchivedAndPagesNewestFirst() async throws {
        let store = InMemorySessionStore()
        let a = session(labels: ["team": "x"], at: 1)
        let b = session(labels: ["team": "y"], at: 2)
        let c = session(labels: ["team": "x"], at: 3)
        for value in [a, b, c] { try await store.save(value) }
        #expect(try await store.list(SessionQuery()).map(\.id) == [c.id, b.id, a.id])
        #expect(try await store.list(SessionQuery(labels: ["team": "x"])).map(\.id) == [c.id, a.id])
        #expect(try await store.list(SessionQuery(limit: 1, offset: 1)).map(\.id) == [b.id])
        try await store.archive(c.id)
        #expect(try await store.list(SessionQuery()).map(\.id) == [b.id, a.id])
        #expect(try await store.list(SessionQuery(includeArchived: true)).count == 3)
        try await store.delete(a.id)
        #expect(try await store.load(a.id) == nil)
        await #expect(throws: SessionStoreError.notFound(a.id)) { try await store.delete(a.id) }
    }
}

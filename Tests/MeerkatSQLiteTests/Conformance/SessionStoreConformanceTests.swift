import Foundation
import MeerkatCore
import Testing

/// Every `SessionStore` method, run against each implementation: they must behave alike.
@Suite struct SessionStoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func savedSessionsLoadBackUnchanged(kind: StoreKind) async throws {
        let harness = try kind.make()
        var session = Transcript.session(count: 3, labels: ["team": "core"])
        session.messages.append(Transcript.toolCall("call-1", at: 3))
        session.messages.append(Transcript.toolResult("call-1", at: 4))
        session.messages.append(.system(content: "be brief", createdAt: instant(5)))
        session.messages.append(
            .systemNotice(kind: .externalEvent, blocks: [.structured(["event": "push"])], createdAt: instant(6)))
        session.usage = Usage(inputTokens: 5, outputTokens: 7, cacheCreationTokens: 2, cacheReadTokens: 11)
        try await harness.sessions.save(session)
        #expect(try await harness.sessions.load(session.id) == session)
        #expect(try await harness.reopened().sessions.load(session.id) == session)
        #expect(try await harness.sessions.load(SessionID()) == nil)
        #expect(try await harness.sessions.exists(session.id))
        #expect(try await !harness.sessions.exists(SessionID()))
    }

    @Test(arguments: StoreKind.allCases)
    func savesAppendMessagesAndReplaceMetadataAndUsage(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.sessions
        var session = Transcript.session(count: 2, labels: ["env": "dev"], updated: 2)
        try await store.save(session)
        session.messages += [Transcript.user("more", at: 3), Transcript.assistant("sure", at: 4)]
        session.metadata["labels"] = ["env": "prod"]
        session.usage += Usage(inputTokens: 100, outputTokens: 50)
        session.updatedAt = instant(4)
        try await store.save(session)
        // Saving the same session again is a no-op append.
        try await store.save(session)
        #expect(try await store.load(session.id) == session)
        let meta = try #require(try await harness.reopened().sessions.loadMeta(session.id))
        #expect(meta == session.meta())
        #expect(meta.messageCount == 4)
        #expect(meta.totalTokens == session.usage.totalTokens)
        #expect(meta.labels == ["env": "prod"])
        #expect(try await store.loadMeta(SessionID()) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func savesThatDropOrRewriteCommittedMessagesAreRefused(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.sessions
        let session = Transcript.session(count: 4)
        try await store.save(session)
        var shorter = session
        shorter.messages.removeLast()
        await #expect(throws: SessionStoreError.nonAppendOnly(session.id, "4 committed messages, save has 3")) {
            try await store.save(shorter)
        }
        var rewritten = session
        rewritten.messages[2] = Transcript.user("edited", at: 2)
        rewritten.messages.append(Transcript.assistant("new", at: 9))
        await #expect(throws: SessionStoreError.nonAppendOnly(session.id, "message 2 differs from the committed one")) {
            try await store.save(rewritten)
        }
        // A fresh store instance (no cached transcript) refuses the same way.
        let cold = try harness.reopened().sessions
        await #expect(throws: SessionStoreError.nonAppendOnly(session.id, "message 2 differs from the committed one")) {
            try await cold.save(rewritten)
        }
        #expect(try await store.load(session.id) == session)
    }

    @Test(arguments: StoreKind.allCases)
    func listIsNewestFirstWithLabelFiltersAndPaging(kind: StoreKind) async throws {
        let store = try kind.make().sessions
        var ids: [SessionID] = []
        for index in 0..<5 {
            let labels = ["team": index % 2 == 0 ? "core" : "web", "tier": index < 3 ? "gold" : "free"]
            let session = Transcript.session(count: index + 1, labels: labels, updated: 10 + index)
            ids.append(session.id)
            try await store.save(session)
        }
        let unlabelled = Transcript.session(count: 1, updated: 1)
        try await store.save(unlabelled)
        let all = try await store.list(SessionQuery())
        #expect(all.map(\.id) == ids.reversed() + [unlabelled.id])
        #expect(all.first?.messageCount == 5)
        #expect(try await store.list(SessionQuery(labels: ["team": "core"])).map(\.id) == [ids[4], ids[2], ids[0]])
        #expect(
            try await store.list(SessionQuery(labels: ["team": "core", "tier": "gold"])).map(\.id) == [ids[2], ids[0]])
        #expect(try await store.list(SessionQuery(labels: ["team": "nobody"])).isEmpty)
        #expect(try await store.list(SessionQuery(limit: 2)).map(\.id) == [ids[4], ids[3]])
        #expect(try await store.list(SessionQuery(limit: 2, offset: 2)).map(\.id) == [ids[2], ids[1]])
        #expect(try await store.list(SessionQuery(limit: 10, offset: 5)).map(\.id) == [unlabelled.id])
        #expect(try await store.list(SessionQuery(limit: 10, offset: 6)).isEmpty)
        #expect(try await store.list(SessionQuery(limit: 0)).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func listOrdersTiesById(kind: StoreKind) async throws {
        let store = try kind.make().sessions
        let sessions = (0..<3).map { _ in Transcript.session(count: 1, updated: 7) }
        for session in sessions { try await store.save(session) }
        let expected = sessions.map(\.id).sorted(by: >)
        #expect(try await store.list(SessionQuery()).map(\.id) == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func archivedSessionsAreHiddenUnlessAsked(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.sessions
        let kept = Transcript.session(count: 1, labels: ["team": "core"], updated: 1)
        let archived = Transcript.session(count: 2, labels: ["team": "core"], updated: 2)
        try await store.save(kept)
        try await store.save(archived)
        try await store.archive(archived.id)
        #expect(try await store.list(SessionQuery()).map(\.id) == [kept.id])
        #expect(
            try await store.list(SessionQuery(labels: ["team": "core"], includeArchived: true)).map(\.id)
                == [archived.id, kept.id])
        #expect(try await store.loadMeta(archived.id)?.archived == true)
        #expect(try await store.load(archived.id) == archived)
        // Saving an archived session keeps it archived; archiving twice is fine.
        var extended = archived
        extended.messages.append(Transcript.user("again", at: 3))
        try await store.save(extended)
        try await store.archive(archived.id)
        #expect(try await harness.reopened().sessions.loadMeta(archived.id)?.archived == true)
        let unknown = SessionID()
        await #expect(throws: SessionStoreError.notFound(unknown)) { try await store.archive(unknown) }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteRemovesTheSessionAndItsHistory(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.sessions
        let session = Transcript.session(count: 3, labels: ["team": "core"])
        let other = Transcript.session(count: 1)
        try await store.save(session)
        try await store.save(other)
        try await store.delete(session.id)
        #expect(try await store.load(session.id) == nil)
        #expect(try await store.loadMeta(session.id) == nil)
        #expect(try await store.list(SessionQuery(labels: ["team": "core"])).isEmpty)
        #expect(try await store.list(SessionQuery()).map(\.id) == [other.id])
        await #expect(throws: SessionStoreError.notFound(session.id)) { try await store.delete(session.id) }
        // The id can be used again from scratch, with a shorter transcript.
        let reborn = Transcript.session(session.id, count: 1)
        try await store.save(reborn)
        #expect(try await harness.reopened().sessions.load(session.id) == reborn)
    }
}

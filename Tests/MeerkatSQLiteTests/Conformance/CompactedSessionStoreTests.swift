import Foundation
import MeerkatCore
import Testing

/// A compaction is one append-only save: the summary row plus the new active-context view. Every store keeps the
/// full history readable and switches the view in the same commit.
@Suite struct CompactedSessionStoreTests {
    @Test(arguments: StoreKind.allCases)
    func compactionSwitchesTheContextAndKeepsTheHistory(kind: StoreKind) async throws {
        let harness = try kind.make()
        var session = Transcript.session(count: 6)
        try await harness.sessions.save(session)
        session.messages.append(
            .user(content: [.text("summary of 0...3")], transcriptRole: .compactionSummary, createdAt: instant(7)))
        session.activeContext = ActiveContext(indices: [6, 4, 5], tailStart: 7)
        try await harness.sessions.save(session)
        session.messages.append(Transcript.user("after", at: 8))
        try await harness.sessions.save(session)
        for store in [harness.sessions, try harness.reopened().sessions] {
            let loaded = try #require(try await store.load(session.id))
            #expect(loaded == session)
            #expect(loaded.messages.count == 8)
            #expect(loaded.contextIndices == [6, 4, 5, 7])
            #expect((0..<4).allSatisfy(loaded.isArchived))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aViewPointingPastTheTranscriptIsRefusedAndNothingIsWritten(kind: StoreKind) async throws {
        let harness = try kind.make()
        var session = Transcript.session(count: 3)
        try await harness.sessions.save(session)
        session.messages.append(Transcript.user("more", at: 4))
        session.activeContext = ActiveContext(indices: [0, 9], tailStart: 4)
        await #expect(throws: SessionStoreError.self) { try await harness.sessions.save(session) }
        let loaded = try #require(try await harness.sessions.load(session.id))
        #expect(loaded.messages.count == 3 && loaded.activeContext == nil)
    }
}

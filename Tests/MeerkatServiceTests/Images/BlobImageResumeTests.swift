import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import Testing

/// A SQLite realm stores transcript images as blobs and loads them as references; every later request of the
/// resumed session still carries the image bytes (resolved from the realm's blob store just before the call).
@Suite("Blob images after a resume")
struct BlobImageResumeTests {
    static let pixel = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48])

    static func service(_ fixture: ModelRoutingEndToEndTests.Fixture, realm: Realm) throws -> SessionService {
        let factory = try ProviderAgentFactory(
            config: fixture.config, projectRoot: fixture.project, environment: fixture.environment)
        return SessionService(
            store: realm.runtimeStore, sessions: realm.sessionStore, factory: factory, config: fixture.config,
            prompts: SystemPromptAssembler(projectRoot: nil, homeDirectory: nil), imageBlobs: realm.blobs)
    }

    static func firstTurnWithAnImage(_ fixture: ModelRoutingEndToEndTests.Fixture, state: URL) async throws
        -> SessionID
    {
        let realm = try Realm.open(stateRoot: state, realmID: try RealmID("blobs"), backend: .sqlite)
        let service = try Self.service(fixture, realm: realm)
        let id = try await service.createSession(CreateSessionRequest())
        let prompt = ContentInput.blocks([
            .text("what is in this picture?"),
            .image(mediaType: "image/png", source: .inline(data: pixel.base64EncodedString())),
        ])
        let (_, handle) = try await service.startTurn(id, prompt: prompt)
        guard case .completed = try await handle?.wait() else { throw TestFailure("the first turn did not complete") }
        await service.shutdown()
        return id
    }

    @Test func aResumedSessionSendsTheStoredImageBytes() async throws {
        let fixture = try await ModelRoutingEndToEndTests.Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let state = fixture.project.appendingPathComponent("state")
        let id = try await Self.firstTurnWithAnImage(fixture, state: state)

        let realm = try Realm.open(stateRoot: state, realmID: try RealmID("blobs"))
        let service = try Self.service(fixture, realm: realm)
        // Loaded as a blob reference (the transcript stays small) ...
        let history = try await service.history(id).messages
        let stored = history.compactMap { message -> ImageSource? in
            guard case .user(let content, _, _) = message else { return nil }
            return content.compactMap { if case .image(_, let source) = $0 { source } else { nil } }.first
        }
        #expect(stored == [.blob(blobID: BlobStore.id(for: Self.pixel))])
        // ... and sent as bytes.
        let start = fixture.server.requests.count
        try await ModelRoutingEndToEndTests.turn(service, id, "and what colour is it?")
        let body = try #require(fixture.server.requests.dropFirst(start).first?.bodyText)
        #expect(body.contains(Self.pixel.base64EncodedString()))
        #expect(!body.contains("sha256:"))
        await service.shutdown()
    }

    @Test func aMissingBlobFailsTheTurnNamingIt() async throws {
        let fixture = try await ModelRoutingEndToEndTests.Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let state = fixture.project.appendingPathComponent("state")
        let id = try await Self.firstTurnWithAnImage(fixture, state: state)
        let realm = try Realm.open(stateRoot: state, realmID: try RealmID("blobs"))
        try FileManager.default.removeItem(at: realm.blobs.directory)

        let service = try Self.service(fixture, realm: realm)
        let start = fixture.server.requests.count
        let (_, handle) = try await service.startTurn(id, prompt: .text("and now?"))
        let outcome = try #require(try await handle?.wait())
        let report: ErrorReport
        switch outcome {
        case .abandoned(_, let error), .abandonedWithError(_, let error): report = error
        default:
            Issue.record("expected a failed turn, got \(outcome)")
            return
        }
        #expect(report.message.contains(BlobStore.id(for: Self.pixel)) && report.message.contains("missing"))
        #expect(fixture.server.requests.count == start)
        await service.shutdown()
    }
}

import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import Testing

/// `generate_image` driving the §14 protocol against the mock provider's image endpoints.
@Suite struct GenerateImageToolTests {
    static let png = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!

    /// A store whose commits always fail.
    struct FailingStore: GeneratedImageStore {
        func store(_ image: GeneratedImage) async throws -> String { throw CocoaError(.fileWriteNoPermission) }
    }

    struct Harness {
        let server: MockProviderServer
        let routing: RecordingImageRouting
        let store: InMemoryImageStore
        let tool: GenerateImageTool

        func call(_ arguments: JSONValue) async throws -> ToolOutput {
            try await tool.call(
                arguments, context: ToolCallContext(sessionID: SessionID(), runID: nil, toolUseID: "call_1"))
        }
    }

    private func withHarness(
        keys: [String: String] = ["OPENAI_API_KEY": "test-key", "GEMINI_API_KEY": "test-key"],
        routing: RecordingImageRouting = RecordingImageRouting(), store: (any GeneratedImageStore)? = nil,
        _ body: (Harness) async throws -> Void
    ) async throws {
        let server = MockProviderServer(configuration: .init(apiKey: "test-key"))
        try await server.start()
        var environment = keys
        environment["OPENAI_BASE_URL"] = server.baseURL
        environment["GEMINI_BASE_URL"] = server.baseURL
        let memory = InMemoryImageStore()
        let tool = GenerateImageTool(
            routing: routing, clients: ImageGenerationClientFactory(environment: environment),
            store: store ?? memory, makeOperationID: { "imgop_1" })
        do {
            try await body(Harness(server: server, routing: routing, store: memory, tool: tool))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private static let scoped = ["status", "begin(gpt-image-1)", "activate"]

    @Test func generatedImageIsStoredAndReturnedAsAnImageBlock() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.success)
            let output = try await harness.call(["prompt": "a red fox", "size": "1024x1024"])
            #expect(!output.isError)
            #expect(
                await harness.routing.sequence == Self.scoped + [
                    "classify(generated)", "complete(generated)", "restore",
                ])
            #expect(await harness.routing.activeOverride == nil)
            #expect(await harness.routing.phases["imgop_1"] == .terminal(.generated))
            let blobID = BlobStoreID.of(Self.png)
            #expect(await harness.store.image(blobID)?.data == Self.png)
            #expect(output.content.count == 2)
            guard case .text(let summary) = output.content[0] else { throw TestFailure("no summary") }
            #expect(summary.contains("gpt-image-1") && summary.contains(blobID))
            #expect(
                output.content[1]
                    == .image(mediaType: "image/png", source: .inline(data: Self.png.base64EncodedString())))
            #expect(harness.server.requests.map(\.imageModel) == ["gpt-image-1"])
        }
    }

    @Test func refusedByProvider() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.refusal)
            let output = try await harness.call(["prompt": "x"])
            #expect(output.isError)
            #expect(
                await harness.routing.sequence == Self.scoped + [
                    "classify(refused_by_provider)", "complete(refused_by_provider)", "restore",
                ])
            #expect(await harness.routing.activeOverride == nil)
            #expect(await harness.store.count == 0)
        }
    }

    @Test func safetyFilteredOnGemini() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.safetyFilter)
            let output = try await harness.call(["prompt": "x", "model": "gemini-2.5-flash-image"])
            #expect(output.isError)
            #expect(
                await harness.routing.sequence == [
                    "status", "begin(gemini-2.5-flash-image)", "activate", "classify(safety_filtered)",
                    "complete(safety_filtered)", "restore",
                ])
            #expect(harness.server.requests.last?.imageEndpoint == .geminiGenerateContent)
        }
    }

    @Test func timedOut() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.timeout(status: 504))
            let output = try await harness.call(["prompt": "x"])
            #expect(output.isError)
            #expect(
                await harness.routing.sequence == Self.scoped + ["classify(timeout)", "complete(timeout)", "restore"])
            #expect(await harness.routing.activeOverride == nil)
        }
    }

    @Test func emptyResultKeepsTheProviderText() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.emptyResult(text: "Only words today."))
            let output = try await harness.call(["prompt": "x", "model": "gemini-2.5-flash-image"])
            #expect(output.isError)
            #expect(
                await harness.routing.sequence.suffix(3) == [
                    "classify(empty_result)", "complete(empty_result)", "restore",
                ])
            guard case .text(let text) = output.content.first else { throw TestFailure("no text") }
            #expect(text.contains("Only words today."))
        }
    }

    @Test func unsupportedTargetIsDeniedBeforeBegin() async throws {
        try await withHarness { harness in
            let output = try await harness.call(["prompt": "x", "model": "claude-opus-5"])
            #expect(output.isError)
            #expect(await harness.routing.sequence == ["status", "deny(unsupported_target)"])
            #expect(await harness.routing.phases["imgop_1"] == .terminal(.denied))
            #expect(harness.server.requests.isEmpty)
        }
    }

    @Test func unsupportedCountIsDenied() async throws {
        try await withHarness { harness in
            let output = try await harness.call(["prompt": "x", "count": 2])
            #expect(output.isError)
            #expect(await harness.routing.sequence == ["status", "deny(unsupported_count)"])
        }
    }

    @Test func missingCredentialIsACapabilityPolicyDenial() async throws {
        try await withHarness(keys: [:]) { harness in
            let output = try await harness.call(["prompt": "x"])
            guard case .text(let text) = output.content.first else { throw TestFailure("no text") }
            #expect(text.contains("capability_policy") && text.contains("OPENAI_API_KEY"))
            #expect(await harness.routing.sequence == ["status", "deny(capability_policy)"])
        }
    }

    @Test func beginDenialStopsBeforeActivation() async throws {
        try await withHarness(routing: RecordingImageRouting(beginDenial: "scoped_override_conflict")) { harness in
            let output = try await harness.call(["prompt": "x"])
            #expect(output.isError)
            #expect(await harness.routing.sequence == ["status", "begin(gpt-image-1)"])
            #expect(harness.server.requests.isEmpty)
        }
    }

    @Test func blobCommitFailureIsFailed() async throws {
        try await withHarness(store: FailingStore()) { harness in
            harness.server.enqueueImages(.success)
            let output = try await harness.call(["prompt": "x"])
            #expect(output.isError)
            #expect(
                await harness.routing.sequence == Self.scoped + ["classify(failed)", "complete(failed)", "restore"])
        }
    }

    @Test func cancellationMidProviderCallStillCompletesAndRestores() async throws {
        try await withHarness { harness in
            harness.server.enqueueImages(.stall)
            let call = Task { try await harness.call(["prompt": "x"]) }
            #expect(await harness.server.waitForRequests(1))
            // The override is active while the provider call is in flight.
            #expect(await harness.routing.activeOverride == "imgop_1")
            call.cancel()
            let output = try await call.value
            #expect(output.isError)
            #expect(
                await harness.routing.sequence == Self.scoped + [
                    "classify(cancelled)", "complete(cancelled)", "restore",
                ])
            #expect(await harness.routing.activeOverride == nil)
            #expect(await harness.routing.phases["imgop_1"] == .terminal(.cancelled))
        }
    }

    @Test func badArgumentsNameTheField() async throws {
        try await withHarness { harness in
            await #expect(throws: ToolError.invalidArguments("'prompt' is required and must not be empty")) {
                _ = try await harness.call(["prompt": "  "])
            }
            await #expect(
                throws: ToolError.invalidArguments("unknown argument 'style' (expected: count, model, prompt, size)")
            ) {
                _ = try await harness.call(["prompt": "x", "style": "noir"])
            }
            #expect(await harness.routing.calls.isEmpty)
        }
    }
}

/// A test failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Content-addressed ids as the blob store computes them.
enum BlobStoreID {
    static func of(_ data: Data) -> String { MeerkatSQLite.BlobStore.id(for: data) }
}

@Suite struct ImageRoutingSlotTests {
    @Test func unconnectedSlotFailsThenForwards() async throws {
        let slot = ImageRoutingSlot()
        await #expect(throws: RuntimeDriverError.self) {
            _ = try await slot.sessionModelRoutingStatus(session: SessionID())
        }
        let routing = RecordingImageRouting()
        slot.connect(routing)
        let status = try await slot.sessionModelRoutingStatus(session: SessionID())
        #expect(status.baselineModel == "claude-opus-5")
        _ = try await slot.denyImageOperationPlan(session: SessionID(), operation: "op", reason: .unsupportedTarget)
        #expect(await routing.sequence == ["status", "deny(unsupported_target)"])
    }
}

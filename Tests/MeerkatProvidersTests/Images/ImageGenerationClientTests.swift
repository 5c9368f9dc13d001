import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

/// The image clients against the mock provider's image endpoints, one test per scripted behaviour.
@Suite struct ImageGenerationClientTests {
    static let png = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!

    private func openAI(_ server: MockProviderServer, timeout: Duration = .seconds(30)) -> OpenAIImagesClient {
        OpenAIImagesClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:], timeout: timeout)
    }

    private func gemini(_ server: MockProviderServer, timeout: Duration = .seconds(30)) -> GeminiImageClient {
        GeminiImageClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:], timeout: timeout)
    }

    private func failure(
        _ body: () async throws(ImageGenerationError) -> ImageGenerationResult
    ) async -> ImageGenerationError? {
        do {
            let result = try await body()
            Issue.record("expected a failure, got \(result.images.count) image(s)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: OpenAI

    @Test func openAISuccessDecodesBase64AndRecordsModelAndEndpoint() async throws {
        try await withMockServer { server in
            server.enqueueImages(.success)
            let result = try await openAI(server).generate(
                ImageGenerationRequest(model: "gpt-image-1", prompt: "a red fox", size: "1024x1024"))
            #expect(result.images == [GeneratedImage(data: Self.png, mediaType: "image/png")])
            let sent = try #require(server.requests.last)
            #expect(sent.path == "/v1/images/generations")
            #expect(sent.imageEndpoint == .openAIImages)
            #expect(sent.imageModel == "gpt-image-1")
            #expect(sent.header("authorization") == "Bearer test-key")
            #expect(sent.json == ["model": "gpt-image-1", "prompt": "a red fox", "n": 1, "size": "1024x1024"])
        }
    }

    @Test func openAIAsksDallEForBase64() throws {
        let body = try OpenAIImagesClient.body(for: ImageGenerationRequest(model: "dall-e-3", prompt: "x"))
        #expect(body["response_format"] == "b64_json")
    }

    @Test func openAIRefusal() async throws {
        try await withMockServer { server in
            server.enqueueImages(.refusal)
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await openAI(server).generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .modelRefusal)
            #expect(error.httpStatus == 400)
            #expect(error.providerCode == "image_generation_refused")
        }
    }

    @Test func openAISafetyFilter() async throws {
        try await withMockServer { server in
            server.enqueueImages(.safetyFilter)
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await openAI(server).generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .contentFilter)
            #expect(error.httpStatus == 400)
            #expect(error.providerCode == "moderation_blocked")
            #expect(error.message.contains("safety system"))
        }
    }

    @Test(arguments: [408, 504]) func openAITimeoutStatus(_ status: Int) async throws {
        try await withMockServer { server in
            server.enqueueImages(.timeout(status: status))
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await openAI(server).generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .timeout)
            #expect(error.httpStatus == status)
        }
    }

    @Test func openAIStallHitsTheClientDeadline() async throws {
        try await withMockServer { server in
            server.enqueueImages(.stall)
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await openAI(server, timeout: .milliseconds(300)).generate(
                        ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .timeout)
            #expect(error.httpStatus == nil)
        }
    }

    @Test func openAIEmptyResult() async throws {
        try await withMockServer { server in
            server.enqueueImages(.emptyResult(text: nil))
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await openAI(server).generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .emptyResult)
            #expect(error.httpStatus == 200)
        }
    }

    @Test func openAIWrongKeyIsAnHTTPError() async throws {
        try await withMockServer { server in
            let client = OpenAIImagesClient(apiKey: APIKey("wrong"), baseURL: server.baseURL, environment: [:])
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await client.generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                })
            #expect(error.kind == .http)
            #expect(error.httpStatus == 401)
            #expect(error.providerCode == "invalid_api_key")
        }
    }

    @Test func cancellingTheTaskCancelsTheCall() async throws {
        try await withMockServer { server in
            server.enqueueImages(.stall)
            let client = openAI(server)
            let call = Task { () async -> ImageGenerationError? in
                do throws(ImageGenerationError) {
                    _ = try await client.generate(ImageGenerationRequest(model: "gpt-image-1", prompt: "x"))
                    return nil
                } catch {
                    return error
                }
            }
            #expect(await server.waitForRequests(1))
            call.cancel()
            let error = try #require(await call.value)
            #expect(error.kind == .cancelled)
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    // MARK: Gemini

    @Test func geminiSuccessReadsInlineDataAndText() async throws {
        try await withMockServer { server in
            server.enqueueImages(.success)
            let result = try await gemini(server).generate(
                ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "a red fox", size: "1920x1080"))
            #expect(result.images == [GeneratedImage(data: Self.png, mediaType: "image/png")])
            #expect(result.providerText == "Here is the image.")
            let sent = try #require(server.requests.last)
            #expect(sent.path == "/v1beta/models/gemini-2.5-flash-image:generateContent")
            #expect(sent.imageEndpoint == .geminiGenerateContent)
            #expect(sent.imageModel == "gemini-2.5-flash-image")
            #expect(sent.header("x-goog-api-key") == "test-key")
            #expect(
                sent.json
                    == [
                        "contents": [["role": "user", "parts": [["text": "a red fox"]]]],
                        "generationConfig": [
                            "responseModalities": ["TEXT", "IMAGE"], "imageConfig": ["aspectRatio": "16:9"],
                        ],
                    ])
        }
    }

    @Test func geminiRefusal() async throws {
        try await withMockServer { server in
            server.enqueueImages(.refusal)
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await gemini(server).generate(
                        ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "x"))
                })
            #expect(error.kind == .modelRefusal)
            #expect(error.providerCode == "NO_IMAGE")
            #expect(error.providerText == "I can't create that image.")
        }
    }

    @Test func geminiSafetyFinishReasonAndPromptBlock() async throws {
        try await withMockServer { server in
            server.enqueueImages(.safetyFilter, .promptBlocked)
            let client = gemini(server)
            let request = ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "x")
            let output = try #require(
                await failure { () async throws(ImageGenerationError) in try await client.generate(request) })
            #expect(output.kind == .safetyBlock)
            #expect(output.providerCode == "IMAGE_SAFETY")
            let prompt = try #require(
                await failure { () async throws(ImageGenerationError) in try await client.generate(request) })
            #expect(prompt.kind == .safetyBlock)
            #expect(prompt.providerCode == "PROHIBITED_CONTENT")
        }
    }

    @Test func geminiDeadline() async throws {
        try await withMockServer { server in
            server.enqueueImages(.timeout(status: 504))
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await gemini(server).generate(
                        ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "x"))
                })
            #expect(error.kind == .timeout)
            #expect(error.httpStatus == 504)
            #expect(error.providerCode == "deadline_exceeded")
        }
    }

    @Test func geminiEmptyResultKeepsTheText() async throws {
        try await withMockServer { server in
            server.enqueueImages(.emptyResult(text: "A fox is a small canid."))
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await gemini(server).generate(
                        ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "x"))
                })
            #expect(error.kind == .emptyResult)
            #expect(error.providerText == "A fox is a small canid.")
        }
    }

    @Test func geminiRejectsMoreThanOneImageBeforeSending() async throws {
        try await withMockServer { server in
            let error = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await gemini(server).generate(
                        ImageGenerationRequest(model: "gemini-2.5-flash-image", prompt: "x", count: 2))
                })
            #expect(error.kind == .invalidRequest)
            #expect(error.message.hasPrefix("count:"))
            #expect(server.requests.isEmpty)
        }
    }

    // MARK: Rule mode and factory

    @Test func ruleModeReadsThePrompt() async throws {
        try await withMockServer { server in
            let client = openAI(server)
            let unsafe = try #require(
                await failure { () async throws(ImageGenerationError) in
                    try await client.generate(
                        ImageGenerationRequest(model: "gpt-image-1", prompt: "[unsafe] something"))
                })
            #expect(unsafe.kind == .contentFilter)
            let drawn = try await client.generate(
                ImageGenerationRequest(model: "gpt-image-1", prompt: "a fox", count: 2))
            #expect(drawn.images.count == 2)
        }
    }

    @Test func factoryPicksTheClientByCatalogProvider() throws {
        let factory = ImageGenerationClientFactory(
            environment: ["OPENAI_API_KEY": "k1", "GEMINI_API_KEY": "k2"])
        #expect(try factory.makeClient(for: "gpt-image-1") is OpenAIImagesClient)
        #expect(try factory.makeClient(for: "gemini-2.5-flash-image") is GeminiImageClient)
        #expect(factory.generatesImages("gpt-image-1"))
        #expect(!factory.generatesImages("claude-opus-5"))
        #expect(throws: ImageGenerationClientFactory.Failure.notAnImageModel("gpt-5.5")) {
            try factory.makeClient(for: "gpt-5.5")
        }
        let keyless = ImageGenerationClientFactory(environment: [:])
        #expect(throws: ImageGenerationClientFactory.Failure.self) { try keyless.makeClient(for: "gpt-image-1") }
    }
}

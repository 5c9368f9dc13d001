import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

@Suite struct GeminiClientTests {
    private let provider = ProviderUnderTest.gemini

    private func client(_ server: MockProviderServer) -> GeminiClient {
        GeminiClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
    }

    @Test func followUpEchoesThoughtSignatureAndNamesFunctionResponses() async throws {
        let turn = MockTurn([
            .text("I'll check both."),
            .toolCall(id: "unused", name: "get_weather", arguments: #"{"city": "Paris"}"#, signature: "CiQB0e2K"),
            .toolCall(id: "unused", name: "get_weather", arguments: #"{"city": "Rome"}"#),
        ])
        try await withMockServer(.init(apiKey: "test-key", geminiRequiresThoughtSignatures: true)) { server in
            server.enqueue(.turn(turn), .text("Done."))
            let question = [Fixtures.system("Be terse."), Fixtures.user("Weather in Paris and Rome?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            #expect(first.outcome == .success(.toolUse))
            #expect(
                first.toolCalls.first?.meta == ProviderMeta(provider: "gemini", data: ["thought_signature": "CiQB0e2K"])
            )
            #expect(first.toolCalls.last?.meta == nil)

            let assistant = assembleAssistant(first)
            let second = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(second.outcome == .success(.endTurn))
            let sent = try #require(server.requests.last)
            #expect(sent.path == "/v1beta/models/gemini-3.5-flash:streamGenerateContent")
            #expect(sent.query["alt"] == "sse")
            #expect(sent.header("x-goog-api-key") == "test-key")
            #expect(
                sent.json
                    == [
                        "systemInstruction": ["parts": [["text": "Be terse."]]],
                        "generationConfig": ["maxOutputTokens": 1024],
                        "tools": [
                            [
                                "functionDeclarations": [
                                    [
                                        "name": "get_weather", "description": "Current weather",
                                        "parameters": [
                                            "type": "OBJECT", "properties": ["city": ["type": "STRING"]],
                                            "required": ["city"],
                                        ],
                                    ]
                                ]
                            ]
                        ],
                        "contents": [
                            ["role": "user", "parts": [["text": "Weather in Paris and Rome?"]]],
                            [
                                "role": "model",
                                "parts": [
                                    ["text": "I'll check both."],
                                    [
                                        "functionCall": ["name": "get_weather", "args": ["city": "Paris"]],
                                        "thoughtSignature": "CiQB0e2K",
                                    ],
                                    ["functionCall": ["name": "get_weather", "args": ["city": "Rome"]]],
                                ],
                            ],
                            [
                                "role": "user",
                                "parts": [
                                    ["functionResponse": ["name": "get_weather", "response": ["result": "18C sunny"]]],
                                    [
                                        "functionResponse": [
                                            "name": "get_weather", "response": ["error": "city not found"],
                                        ]
                                    ],
                                ],
                            ],
                        ],
                    ])
        }
    }

    @Test func thoughtsBecomeReasoningWithSignatureAndAreReplayed() async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(
                    MockTurn(
                        [.reasoning("Consider the sky.", signature: "tsig"), .text("Blue.")],
                        usage: .init(input: 100, output: 40, cacheRead: 30, reasoning: 25))),
                .text("Yes."))
            let question = [Fixtures.user("Sky colour?")]
            let first = await collect(client(server).stream(provider.request(question)))
            #expect(first.reasoning.map(\.text) == ["Consider the sky."])
            #expect(
                first.reasoning.first?.meta == ProviderMeta(provider: "gemini", data: ["thought_signature": "tsig"]))
            #expect(first.text == "Blue.")
            // Output = candidates + thoughts; input excludes the cached part.
            #expect(first.lastUsage == Usage(inputTokens: 100, outputTokens: 40, cacheReadTokens: 30))

            let assistant = assembleAssistant(first, stopReason: .endTurn)
            _ = await collect(client(server).stream(provider.request(question + [assistant, Fixtures.user("Sure?")])))
            let model = try #require(server.requests.last?.json?["contents"]?.arrayValue?[1])
            #expect(
                model == [
                    "role": "model",
                    "parts": [
                        ["text": "Consider the sky.", "thought": true, "thoughtSignature": "tsig"], ["text": "Blue."],
                    ],
                ])
        }
    }

    @Test func serverCallIDsAreKeptAndEchoed() async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls, .with { $0.geminiCallIDs = true }), .text("ok"))
            let question = [Fixtures.user("Weather?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            #expect(first.toolCalls.map(\.id) == ["call_A", "call_B"])
            let assistant = assembleAssistant(first)
            _ = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            let responses = try #require(
                server.requests.last?.json?["contents"]?.arrayValue?.last?["parts"]?.arrayValue)
            #expect(responses.map { $0["functionResponse"]?["id"] } == ["call_A", "call_B"])
        }
    }

    @Test func callsSplitAcrossChunksAndSynthesisedIDsAreUnique() async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls, .with { $0.geminiSplitCallsAcrossChunks = true }))
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Weather?")])))
            #expect(events.toolArgs == [["city": "Paris"], ["city": "Rome"]])
            #expect(Set(events.toolCalls.map(\.id)).count == 2)
            #expect(events.outcome == .success(.toolUse))
        }
    }

    @Test func promptBlockMissingFinishReasonAndOddFinishReasonsAreFailures() async throws {
        try await withMockServer { server in
            server.enqueue(
                .raw(
                    .sse([
                        #"data: {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5}}"#
                            + "\r\n\r\n"
                    ])),
                .text("cut", .with { $0.geminiOmitFinishReason = true }),
                .raw(
                    .sse([
                        #"data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MALFORMED_FUNCTION_CALL"}]}"#
                            + "\r\n\r\n"
                    ])))
            let blocked = await collect(client(server).stream(provider.request([Fixtures.user("bad")])))
            #expect(blocked.failure?.kind == .contentFiltered)
            #expect(blocked.failure?.isRetryable == false)
            let truncated = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(truncated.failure?.kind == .incompleteResponse)
            #expect(truncated.failure?.isRetryable == true)
            let malformed = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(malformed.failure?.kind == .unknown)
            #expect(malformed.failure?.message.contains("MALFORMED_FUNCTION_CALL") == true)
        }
    }

    @Test func structuredOutputUsesResponseSchemaAndMidSystemRowsBecomeUserText() throws {
        let request = LLMRequest(
            model: "gemini-3.5-flash",
            messages: [
                Fixtures.user("Hi"), Fixtures.system("Reply in JSON."),
                .user(
                    content: [.image(mediaType: "image/webp", source: .inline(data: "UklGR"))],
                    transcriptRole: .conversational, createdAt: Fixtures.date),
            ],
            maxTokens: 200, temperature: 0.1, stopSequences: ["##"],
            providerParams: ["generationConfig": ["thinkingConfig": ["thinkingBudget": 512]]],
            outputFormat: OutputFormat(
                schema: [
                    "type": "object", "additionalProperties": false,
                    "properties": ["answer": ["type": ["string", "null"]]], "required": ["answer"],
                ]))
        let body = try GeminiClient(apiKey: APIKey("k"), environment: [:]).wireBody(for: request)
        #expect(body["systemInstruction"] == nil)
        #expect(
            body["contents"]
                == [
                    [
                        "role": "user",
                        "parts": [
                            ["text": "Hi"], ["text": "[System instruction]\nReply in JSON."],
                            ["inlineData": ["mimeType": "image/webp", "data": "UklGR"]],
                        ],
                    ]
                ])
        #expect(
            body["generationConfig"]
                == [
                    "maxOutputTokens": 200, "temperature": 0.1, "stopSequences": ["##"],
                    "responseMimeType": "application/json",
                    "responseSchema": [
                        "type": "OBJECT", "properties": ["answer": ["type": "STRING", "nullable": true]],
                        "required": ["answer"],
                    ],
                    "thinkingConfig": ["thinkingBudget": 512],
                ])
    }

    @Test func toolResultWithoutItsCallIsATypedError() async throws {
        try await withMockServer { server in
            let orphan = Message.toolResults(
                results: [ToolResult(toolUseID: "nope", text: "x")], createdAt: Fixtures.date)
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi"), orphan])))
            #expect(events.failure?.kind == .invalidInputShape)
            #expect(server.requests.isEmpty)
        }
    }

    @Test func schemaConversionDropsUnsupportedKeywords() {
        let converted = GeminiSchema.convert([
            "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": [
                "kind": ["const": "a"], "tags": ["type": "array", "items": ["type": "string", "minLength": 1]],
                "either": ["oneOf": [["type": "integer"], ["type": "boolean"]]],
            ],
            "additionalProperties": false,
        ])
        #expect(
            converted == [
                "type": "OBJECT",
                "properties": [
                    "kind": ["enum": ["a"]], "tags": ["type": "ARRAY", "items": ["type": "STRING", "minLength": 1]],
                    "either": ["anyOf": [["type": "INTEGER"], ["type": "BOOLEAN"]]],
                ],
            ])
    }

    @Test func baseURLFromEnvironment() {
        let client = GeminiClient(apiKey: APIKey("k"), environment: ["GEMINI_BASE_URL": "http://gw.local/v1beta/"])
        #expect(client.baseURL == "http://gw.local/v1beta")
        #expect(
            GeminiClient(apiKey: APIKey("k"), environment: [:]).baseURL
                == "https://generativelanguage.googleapis.com/v1beta")
    }
}

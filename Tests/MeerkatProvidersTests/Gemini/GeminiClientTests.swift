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

    /// The body is written straight to bytes and each row's parts are kept between requests; whatever the next
    /// request's transcript is (grown, merged across rows of one role, compacted, edited, with rows that send
    /// nothing, with provider parameters), the body sent is canonical JSON equal to a fresh encoding.
    @Test func reusedRowEncodingAlwaysEqualsAFreshOne() async throws {
        let date = Fixtures.date
        let signed = ProviderMeta(provider: "gemini", data: ["thought_signature": "sig==", "id": "srv-1"])
        func user(_ text: String) -> Message {
            .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
        }
        func model(_ text: String) -> Message {
            .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
        }
        let call = ToolCall(id: "call_1", name: "get_weather", args: ["city": "Paris"], meta: signed)
        var history: [Message] = [Fixtures.system("Rule one."), user("Weather?")]
        history.append(
            .assistant(
                blocks: [.reasoning(text: "thinking", meta: signed), .text(text: "", meta: nil), .toolUse(call)],
                stopReason: .toolUse, createdAt: date))
        history.append(
            .toolResults(
                results: [ToolResult(toolUseID: "call_1", content: [.structured(["temp": 18])], isError: false)],
                createdAt: date))
        history.append(.systemNotice(kind: .generic, blocks: [.text("note")], createdAt: date))
        history.append(model("It is 18C."))
        history.append(.user(content: [.text("")], transcriptRole: .conversational, createdAt: date))
        history.append(model("Anything else?"))
        var transcripts: [[Message]] = []
        for turn in 0..<3 {
            history += [user("q\(turn)"), model("a\(turn)")]
            transcripts.append(history + [user("next \(turn)")])
        }
        transcripts.append([history[0], user("summary"), history[9], history[10], user("after compaction")])
        var edited = history
        edited[5] = model("rewritten")
        transcripts.append(edited + [Fixtures.system("late rule"), user("after an edit")])
        // The call's row changes under a kept result row: the result is encoded again, with the new name.
        var renamed = history
        renamed[2] = .assistant(
            blocks: [.toolUse(ToolCall(id: "call_1", name: "get_forecast", args: [:]))], stopReason: .toolUse,
            createdAt: date)
        transcripts.append(renamed + [user("renamed")])
        transcripts.append(Array(history.prefix(2)))
        try await withMockServer { server in
            let client = client(server)
            for (index, messages) in transcripts.enumerated() {
                server.enqueue(.text("ok"))
                var request = provider.request(messages, tools: [Fixtures.weatherTool])
                if index == 1 { request.providerParams = ["generationConfig": ["temperature": 0.5]] }
                let events = await collect(client.stream(request))
                #expect(events.outcome == .success(.endTurn))
                let sent = try #require(server.requests.last)
                let fresh = try client.wireBody(for: request)
                #expect(sent.body == fresh.encodedJSONBytes())
                #expect(try JSONValue.parse(bytes: sent.body) == fresh)
            }
            #expect(
                server.requests[1].json?["generationConfig"] == ["maxOutputTokens": 1024, "temperature": 0.5])
            let renamedBody = try #require(server.requests[server.requests.count - 2].json)
            #expect(
                renamedBody["contents"]?.arrayValue?[2]["parts"]?.arrayValue?[0]
                    == ["functionResponse": ["name": "get_forecast", "response": ["result": ["temp": 18]]]])
        }
        let body = try GeminiClient(apiKey: APIKey("k"), environment: [:]).wireBody(
            for: provider.request(transcripts[0], tools: [Fixtures.weatherTool]))
        #expect(
            body["contents"]?.arrayValue?[1]
                == [
                    "role": "model",
                    "parts": [
                        ["text": "thinking", "thought": true, "thoughtSignature": "sig=="],
                        [
                            "functionCall": ["name": "get_weather", "args": ["city": "Paris"], "id": "srv-1"],
                            "thoughtSignature": "sig==",
                        ],
                    ],
                ])
        // The result and the notice are one user content; the empty user row sends nothing, so the model rows
        // around it form one content.
        #expect(
            body["contents"]?.arrayValue?[2]
                == [
                    "role": "user",
                    "parts": [
                        [
                            "functionResponse": [
                                "id": "srv-1", "name": "get_weather", "response": ["result": ["temp": 18]],
                            ]
                        ],
                        ["text": "note"],
                    ],
                ])
        #expect(
            body["contents"]?.arrayValue?[3]
                == ["role": "model", "parts": [["text": "It is 18C."], ["text": "Anything else?"]]])
    }

    /// A result is named after the nearest call with its id before it; a result whose call only comes later answers
    /// nothing.
    @Test func resultsAnswerTheNearestCallBeforeThem() throws {
        let date = Fixtures.date
        func calling(_ name: String) -> Message {
            .assistant(
                blocks: [.toolUse(ToolCall(id: "dup", name: name, args: [:]))], stopReason: .toolUse, createdAt: date)
        }
        let result = Message.toolResults(results: [ToolResult(toolUseID: "dup", text: "ok")], createdAt: date)
        let client = GeminiClient(apiKey: APIKey("k"), environment: [:])
        let body = try client.wireBody(
            for: provider.request([
                Fixtures.user("go"), calling("first"), result, calling("second"), result, calling("third"),
            ]))
        let names = body["contents"]?.arrayValue?.compactMap {
            $0["parts"]?.arrayValue?[0]["functionResponse"]?["name"]?.stringValue
        }
        #expect(names == ["first", "second"])
        #expect {
            _ = try client.wireBody(for: provider.request([Fixtures.user("go"), result, calling("late")]))
        } throws: { ($0 as? LLMError)?.kind == .invalidInputShape }
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

import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

@Suite struct AnthropicClientTests {
    private let provider = ProviderUnderTest.anthropic

    private func client(_ server: MockProviderServer) -> AnthropicClient {
        AnthropicClient(apiKey: APIKey("test-key"), baseURL: server.baseURL + "/v1/", environment: [:])
    }

    private static let weatherToolJSON: JSONValue = [
        "name": "get_weather", "description": "Current weather",
        "input_schema": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
    ]

    @Test func sendsHeadersAndTopLevelSystemBlocks() async throws {
        try await withMockServer { server in
            server.enqueue(.text("Hi."))
            let events = await collect(
                client(server).stream(provider.request([Fixtures.system("Be terse."), Fixtures.user("Hi")])))
            #expect(events.outcome == .success(.endTurn))
            #expect(events.hasLiveness)  // the ping event
            let sent = try #require(server.requests.first)
            #expect(sent.path == "/v1/messages")
            #expect(sent.header("x-api-key") == "test-key")
            #expect(sent.header("anthropic-version") == "2023-06-01")
            #expect(
                sent.json
                    == [
                        "model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": true,
                        "system": [["type": "text", "text": "Be terse."]],
                        "messages": [["role": "user", "content": [["type": "text", "text": "Hi"]]]],
                    ])
        }
    }

    @Test func followUpAfterParallelToolCallsIsTheExactWireShape() async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls), .text("Done."))
            let question = [Fixtures.user("Weather in Paris and Rome?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            let assistant = assembleAssistant(first)
            let second = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(second.outcome == .success(.endTurn))
            let body = try #require(server.requests.last?.json)
            #expect(
                body
                    == [
                        "model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": true,
                        "tools": [Self.weatherToolJSON],
                        "messages": [
                            ["role": "user", "content": [["type": "text", "text": "Weather in Paris and Rome?"]]],
                            [
                                "role": "assistant",
                                "content": [
                                    ["type": "text", "text": "I'll check both."],
                                    [
                                        "type": "tool_use", "id": "call_A", "name": "get_weather",
                                        "input": ["city": "Paris"],
                                    ],
                                    [
                                        "type": "tool_use", "id": "call_B", "name": "get_weather",
                                        "input": ["city": "Rome"],
                                    ],
                                ],
                            ],
                            [
                                "role": "user",
                                "content": [
                                    ["type": "tool_result", "tool_use_id": "call_A", "content": "18C sunny"],
                                    [
                                        "type": "tool_result", "tool_use_id": "call_B", "content": "city not found",
                                        "is_error": true,
                                    ],
                                ],
                            ],
                        ],
                    ])
        }
    }

    @Test func thinkingSignatureIsReplayedVerbatim() async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(
                    MockTurn([
                        .reasoning("Check the tool.", signature: "EqQBCkYIBxgCKkD"),
                        .toolCall(id: "toolu_1", name: "get_weather", arguments: #"{"city":"Oslo"}"#),
                    ])),
                .text("Cold."))
            let question = [Fixtures.user("Oslo?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            let reasoning = try #require(first.reasoning.first)
            #expect(reasoning.text == "Check the tool.")
            #expect(reasoning.meta == ProviderMeta(provider: "anthropic", data: ["signature": "EqQBCkYIBxgCKkD"]))
            #expect(first.contains(.reasoningDelta("Check")))

            let assistant = assembleAssistant(first)
            let second = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(second.outcome == .success(.endTurn))
            let replayed = try #require(server.requests.last?.json?["messages"]?.arrayValue?[1]["content"]?.arrayValue)
            #expect(
                replayed.first == ["type": "thinking", "thinking": "Check the tool.", "signature": "EqQBCkYIBxgCKkD"])
        }
    }

    @Test func transcriptMappingCoversRedactedThinkingNoticesImagesAndMidSystemRows() throws {
        let anthropicMeta = ProviderMeta(provider: "anthropic", data: ["redacted_data": "opaque=="])
        let foreignMeta = ProviderMeta(provider: "openai", data: ["encrypted_content": "x"])
        let messages: [Message] = [
            Fixtures.system("Rule one."),
            Fixtures.system("Rule two."),
            .user(
                content: [.text("Look:"), .image(mediaType: "image/png", source: .inline(data: "iVBOR"))],
                transcriptRole: .conversational, createdAt: Fixtures.date),
            .assistant(
                blocks: [
                    .reasoning(text: "", meta: anthropicMeta), .reasoning(text: "foreign", meta: foreignMeta),
                    .text(text: "A cat.", meta: nil),
                ], stopReason: .endTurn, createdAt: Fixtures.date),
            Fixtures.system("Now be brief."),
            .systemNotice(kind: .generic, blocks: [.text("Background job finished.")], createdAt: Fixtures.date),
            Fixtures.user("And now?"),
        ]
        let request = LLMRequest(
            model: "claude-opus-5", messages: messages, maxTokens: 50, temperature: 0.5, stopSequences: ["END"],
            providerParams: ["thinking": ["type": "enabled", "budget_tokens": 20]],
            outputFormat: OutputFormat(schema: ["type": "object"]))
        let body = try AnthropicClient(apiKey: APIKey("k"), environment: [:]).wireBody(for: request)
        #expect(body["system"] == [["type": "text", "text": "Rule one."], ["type": "text", "text": "Rule two."]])
        #expect(
            body["messages"]
                == [
                    [
                        "role": "user",
                        "content": [
                            ["type": "text", "text": "Look:"],
                            [
                                "type": "image",
                                "source": ["type": "base64", "media_type": "image/png", "data": "iVBOR"],
                            ],
                        ],
                    ],
                    [
                        "role": "assistant",
                        "content": [
                            ["type": "redacted_thinking", "data": "opaque=="], ["type": "text", "text": "A cat."],
                        ],
                    ],
                    [
                        "role": "user",
                        "content": [
                            ["type": "text", "text": "[System instruction]\nNow be brief."],
                            ["type": "text", "text": "Background job finished."],
                            ["type": "text", "text": "And now?"],
                        ],
                    ],
                ])
        #expect(body["temperature"] == 0.5)
        #expect(body["stop_sequences"] == ["END"])
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 20])
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": ["type": "object"]]])
    }

    @Test func betaHeaderAndBaseURLFromEnvironment() async throws {
        try await withMockServer { server in
            server.enqueue(.text("ok"))
            let client = AnthropicClient(
                apiKey: APIKey("test-key"), environment: ["ANTHROPIC_BASE_URL": server.baseURL],
                betaFeatures: ["a-2025", "b-2026"])
            #expect(client.baseURL == server.baseURL)
            let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.outcome == .success(.endTurn))
            #expect(server.requests.first?.header("anthropic-beta") == "a-2025,b-2026")
        }
    }

    @Test func stopSequenceAndEmptyToolInputAreMapped() async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(MockTurn([.text("abc")], stop: .stopSequence)),
                .turn(MockTurn([.toolCall(id: "toolu_9", name: "now", arguments: "")])))
            let stopped = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(stopped.outcome == .success(.stopSequence))
            let call = await collect(client(server).stream(provider.request([Fixtures.user("time?")])))
            #expect(call.toolCalls.map(\.args) == ["{}"])
        }
    }

    @Test func missingToolResultIsRejectedByTheMockLikeTheAPI() async throws {
        try await withMockServer { server in
            let assistant = Message.assistant(
                blocks: [.toolUse(ToolCall(id: "toolu_X", name: "get_weather", args: ["city": "Rome"]))],
                stopReason: .toolUse, createdAt: Fixtures.date)
            let events = await collect(
                client(server).stream(provider.request([Fixtures.user("Rome?"), assistant, Fixtures.user("hello?")])))
            let failure = try #require(events.failure)
            #expect(failure.kind == .invalidRequest)
            #expect(failure.status == 400)
            #expect(failure.message.contains("toolu_X"))
            #expect(!failure.isRetryable)
        }
    }

    @Test func wrongKeyGetsAuthenticationError() async throws {
        try await withMockServer { server in
            let client = AnthropicClient(apiKey: APIKey("wrong"), baseURL: server.baseURL, environment: [:])
            let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.failure?.kind == .authenticationFailed)
            #expect(events.failure?.status == 401)
        }
    }

    @Test func argumentsThatNeverBecomeJSONArePassedOnRaw() async throws {
        // Decision (docs/providers.md): the client reports the raw text; the agent turns unparsable arguments into
        // a tool error the model can see, instead of failing the whole turn.
        try await withMockServer { server in
            server.enqueue(
                .turn(MockTurn([.toolCall(id: "toolu_bad", name: "get_weather", arguments: #"{"city": "Par"#)])))
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.toolCalls.map(\.args) == [#"{"city": "Par"#])
            #expect(events.outcome == .success(.toolUse))
        }
    }

    @Test func eventsAfterMessageStopAndUnknownStopReasonsAreHandled() async throws {
        let start = #"{"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}"#
        try await withMockServer { server in
            server.enqueue(
                .raw(
                    .sse([
                        "event: message_start\ndata: \(start)\n\n",
                        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"brand_new_reason\"}}\n\n",
                        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
                    ])))
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.failure?.kind == .unknown)
            #expect(events.failure?.message.contains("brand_new_reason") == true)
        }
    }

    /// The body is written straight to bytes and each row's blocks are kept between requests; whatever the next
    /// request's transcript is (grown, merged across rows of one side, compacted, edited, with rows that send
    /// nothing), the body sent is canonical JSON equal to a fresh encoding.
    @Test func reusedRowEncodingAlwaysEqualsAFreshOne() async throws {
        let date = Fixtures.date
        let signed = ProviderMeta(provider: "anthropic", data: ["signature": "sig=="])
        func user(_ text: String) -> Message {
            .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
        }
        func assistant(_ text: String) -> Message {
            .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
        }
        let call = ToolCall(id: "toolu_1", name: "get_weather", args: ["city": "Paris"])
        var history: [Message] = [Fixtures.system("Rule one."), user("Weather?")]
        history.append(
            .assistant(
                blocks: [.reasoning(text: "thinking", meta: signed), .text(text: "", meta: nil), .toolUse(call)],
                stopReason: .toolUse, createdAt: date))
        history.append(
            .toolResults(
                results: [
                    ToolResult(
                        toolUseID: "toolu_1", content: [.text("18C"), .structured(["unit": "C"])], isError: true)
                ], createdAt: date))
        history.append(.systemNotice(kind: .generic, blocks: [.text("note")], createdAt: date))
        history.append(assistant("It is 18C."))
        history.append(.user(content: [.text("")], transcriptRole: .conversational, createdAt: date))
        history.append(assistant("Anything else?"))
        var transcripts: [[Message]] = []
        for turn in 0..<3 {
            history += [user("q\(turn)"), assistant("a\(turn)")]
            transcripts.append(history + [user("next \(turn)")])
        }
        transcripts.append([history[0], user("summary"), history[9], history[10], user("after compaction")])
        var edited = history
        edited[5] = assistant("rewritten")
        transcripts.append(edited + [Fixtures.system("late rule"), user("after an edit")])
        transcripts.append(Array(history.prefix(2)))
        try await withMockServer { server in
            let client = client(server)
            for messages in transcripts {
                server.enqueue(.text("ok"))
                let request = provider.request(messages, tools: [Fixtures.weatherTool])
                let events = await collect(client.stream(request))
                #expect(events.outcome == .success(.endTurn))
                let sent = try #require(server.requests.last)
                let fresh = try client.wireBody(for: request)
                #expect(sent.body == fresh.encodedJSONBytes())
                #expect(try JSONValue.parse(bytes: sent.body) == fresh)
            }
        }
        let body = try AnthropicClient(apiKey: APIKey("k"), environment: [:]).wireBody(
            for: provider.request(transcripts[0], tools: [Fixtures.weatherTool]))
        #expect(
            body["messages"]?.arrayValue?[2]
                == [
                    "role": "user",
                    "content": [
                        [
                            "type": "tool_result", "tool_use_id": "toolu_1", "is_error": true,
                            "content": [["type": "text", "text": "18C"], ["type": "text", "text": #"{"unit":"C"}"#]],
                        ],
                        ["type": "text", "text": "note"],
                    ],
                ])
        #expect(
            body["messages"]?.arrayValue?[1]
                == [
                    "role": "assistant",
                    "content": [
                        ["type": "thinking", "thinking": "thinking", "signature": "sig=="],
                        ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["city": "Paris"]],
                    ],
                ])
        // The empty user row sends nothing, so the assistant rows around it form one message.
        #expect(
            body["messages"]?.arrayValue?[3]
                == [
                    "role": "assistant",
                    "content": [["type": "text", "text": "It is 18C."], ["type": "text", "text": "Anything else?"]],
                ])
    }
}

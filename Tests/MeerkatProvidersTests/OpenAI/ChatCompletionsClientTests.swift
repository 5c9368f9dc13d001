import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

@Suite struct ChatCompletionsClientTests {
    private let provider = ProviderUnderTest.chat

    private func client(_ server: MockProviderServer, timeouts: StreamTimeouts = StreamTimeouts())
        -> ChatCompletionsClient
    {
        ChatCompletionsClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:], timeouts: timeouts)
    }

    @Test func followUpAfterParallelCallsIsTheExactWireShape() async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls), .text("Done."))
            let question = [Fixtures.system("Be terse."), Fixtures.user("Weather in Paris and Rome?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            let assistant = assembleAssistant(first)
            let second = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(second.outcome == .success(.endTurn))
            let sent = try #require(server.requests.last)
            #expect(sent.path == "/v1/chat/completions")
            #expect(
                sent.json
                    == [
                        "model": "gpt-5.4", "stream": true, "stream_options": ["include_usage": true],
                        "max_completion_tokens": 1024,
                        "tools": [
                            [
                                "type": "function",
                                "function": [
                                    "name": "get_weather", "description": "Current weather",
                                    "parameters": [
                                        "type": "object", "properties": ["city": ["type": "string"]],
                                        "required": ["city"],
                                    ],
                                ],
                            ]
                        ],
                        "messages": [
                            ["role": "system", "content": "Be terse."],
                            ["role": "user", "content": "Weather in Paris and Rome?"],
                            [
                                "role": "assistant", "content": "I'll check both.",
                                "tool_calls": [
                                    [
                                        "id": "call_A", "type": "function",
                                        "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#],
                                    ],
                                    [
                                        "id": "call_B", "type": "function",
                                        "function": ["name": "get_weather", "arguments": #"{"city":"Rome"}"#],
                                    ],
                                ],
                            ],
                            ["role": "tool", "tool_call_id": "call_A", "content": "18C sunny"],
                            ["role": "tool", "tool_call_id": "call_B", "content": "error: city not found"],
                        ],
                    ])
        }
    }

    @Test(
        arguments: [
            MockStreamOptions.ChatToolCallStyle.fragments, .interleaved, .wholePerDelta, .argumentsInFirstFragment,
        ])
    func toolCallStylesOfEveryServerAssembleTheSameCalls(_ style: MockStreamOptions.ChatToolCallStyle) async throws {
        for omitIDs in [false, true] {
            try await withMockServer { server in
                server.enqueue(
                    .turn(
                        Fixtures.parallelCalls,
                        .with {
                            $0.chatToolCallStyle = style
                            $0.chatOmitToolCallIDs = omitIDs
                        }), .text("Done."))
                let question = [Fixtures.user("Weather?")]
                let first = await collect(
                    client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
                #expect(first.toolArgs == [["city": "Paris"], ["city": "Rome"]])
                #expect(first.outcome == .success(.toolUse))
                let ids = first.toolCalls.map(\.id)
                #expect(Set(ids).count == 2)
                if !omitIDs { #expect(ids == ["call_A", "call_B"]) }
                // Deltas and completions agree on ids, so the follow-up pairs correctly.
                let deltaIDs = Set(first.compactMap { if case .toolCallDelta(let id, _, _) = $0 { id } else { nil } })
                #expect(deltaIDs == Set(ids))
                let assistant = assembleAssistant(first)
                let second = await collect(
                    client(server).stream(
                        provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
                #expect(second.outcome == .success(.endTurn))
            }
        }
    }

    @Test(arguments: [
        MockStreamOptions.ChatUsagePlacement.separateChunk, .finishChunk, .everyChunk, .none,
    ])
    func usageIsTakenWhereverTheServerPutsIt(_ placement: MockStreamOptions.ChatUsagePlacement) async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(.text("Hi!", usage: .init(input: 7, output: 3, cacheRead: 2)), .with { $0.chatUsage = placement })
            )
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.outcome == .success(.endTurn))
            let expected = placement == .none ? nil : Usage(inputTokens: 7, outputTokens: 3, cacheReadTokens: 2)
            #expect(events.lastUsage == expected)
        }
    }

    @Test func missingDoneOrMissingFinishReasonStillSucceed() async throws {
        try await withMockServer { server in
            server.enqueue(
                .text("no done", .with { $0.chatDone = false }),
                .text("no finish", .with { $0.chatFinishReason = false }))
            let noDone = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(noDone.outcome == .success(.endTurn))
            #expect(noDone.lastUsage != nil)
            let noFinish = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(noFinish.outcome == .success(.endTurn))
            #expect(noFinish.text == "no finish")
        }
    }

    @Test func trailerWaitEndsATurnWhoseUsageChunkNeverComes() async throws {
        try await withMockServer { server in
            // Events: role, 3 text pieces, finish, usage, [DONE]; stall right after the finish chunk.
            server.enqueue(.text("Hello there, friend.", .with { $0.cut = .stall(afterEvents: 5) }))
            let client = client(
                server, timeouts: StreamTimeouts(callTimeout: .seconds(20), trailerWait: .milliseconds(200)))
            let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])), timeout: .seconds(60))
            #expect(events.outcome == .success(.endTurn))
            #expect(events.text == "Hello there, friend.")
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    @Test(arguments: ["reasoning_content", "reasoning"])
    func reasoningFieldsOfSelfHostedServersComeFirst(_ field: String) async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(MockTurn([.reasoning("Think."), .text("Answer.")]), .with { $0.chatReasoningField = field }))
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            let reasoningIndex = try #require(
                events.firstIndex { if case .reasoningComplete = $0 { true } else { false } })
            let textIndex = try #require(events.firstIndex { if case .textDelta = $0 { true } else { false } })
            #expect(reasoningIndex < textIndex)
            #expect(events.reasoning.map(\.text) == ["Think."])
            #expect(events.text == "Answer.")
        }
    }

    @Test func selfHostedErrorEnvelopesAreTyped() async throws {
        try await withMockServer { server in
            server.enqueue(
                .text("x", .with { $0.inBandError = .init(afterEvents: 2, style: .vllmObject) }),
                .text("x", .with { $0.inBandError = .init(afterEvents: 0, style: .llamaCppField) }),
                .raw(.json(#"{"error":"Unauthorized"}"#, status: 401)))
            let vllm = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(vllm.failure?.kind == .serverError)
            let llama = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(llama.failure?.kind == .contextLengthExceeded)
            #expect(llama.failure?.isRetryable == false)
            let unauthorized = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(unauthorized.failure?.kind == .authenticationFailed)
            #expect(unauthorized.failure?.message == "Unauthorized")
        }
    }

    @Test func keylessSelfHostedServerWithModelAliasAndPastedBaseURLs() async throws {
        try await withMockServer(.init(requireAuth: false)) { server in
            for base in [server.baseURL, server.baseURL + "/v1", server.baseURL + "/v1/"] {
                server.enqueue(.text("local"))
                let client = ChatCompletionsClient.selfHosted(baseURL: base, modelOverride: "qwen3:8b")
                #expect(client.provider == "self_hosted")
                let events = await collect(
                    client.stream(LLMRequest(model: "local-qwen", messages: [Fixtures.user("Hi")], maxTokens: 64)))
                #expect(events.text == "local")
                let sent = try #require(server.requests.last)
                #expect(sent.path == "/v1/chat/completions")
                #expect(sent.header("authorization") == nil)
                #expect(sent.json?["model"] == "qwen3:8b")
                #expect(sent.json?["max_tokens"] == 64)
                #expect(sent.json?["max_completion_tokens"] == nil)
            }
        }
    }

    @Test func responseFormatAndImagesOnTheWire() throws {
        let request = LLMRequest(
            model: "gpt-5.4",
            messages: [
                .user(
                    content: [.text("What is this?"), .image(mediaType: "image/png", source: .inline(data: "iVBOR"))],
                    transcriptRole: .conversational, createdAt: Fixtures.date),
                .systemNotice(kind: .comms, blocks: [.text("peer says hi")], createdAt: Fixtures.date),
            ],
            stopSequences: ["STOP"], outputFormat: OutputFormat(name: "out", schema: ["type": "object"], strict: true))
        let body = try ChatCompletionsClient(apiKey: nil, environment: [:]).wireBody(for: request)
        #expect(
            body["messages"]
                == [
                    [
                        "role": "user",
                        "content": [
                            ["type": "text", "text": "What is this?"],
                            ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBOR"]],
                        ],
                    ],
                    ["role": "user", "content": "peer says hi"],
                ])
        #expect(
            body["response_format"]
                == [
                    "type": "json_schema",
                    "json_schema": ["name": "out", "schema": ["type": "object"], "strict": true],
                ])
        #expect(body["stop"] == ["STOP"])
    }

    /// The body is written straight to bytes; it must be the canonical (key-sorted, compact) JSON of what
    /// `wireBody` shows, for every message shape and every optional field.
    @Test func wireBytesAreCanonicalJSONForEveryShape() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", args: ["city": "Paris", "units": ["c", 1]])
        let second = ToolCall(id: "call_2", name: "get_weather", args: ["city": "Rome"])
        let third = ToolCall(id: "call_3", name: "get_weather", args: [:])
        let messages: [Message] = [
            Fixtures.system("Be \"terse\".\n"),
            .user(
                content: [
                    .text("What is this? é / \u{1}"), .structured(["b": 2, "a": [true, nil]]),
                    .image(mediaType: "image/png", source: .inline(data: "iVBOR")),
                ],
                transcriptRole: .conversational, createdAt: Fixtures.date),
            .systemNotice(kind: .comms, blocks: [.text("peer says hi")], createdAt: Fixtures.date),
            .assistant(
                blocks: [
                    .reasoning(text: "hmm", meta: nil), .text(text: "Checking.", meta: nil), .toolUse(call),
                    .toolUse(second),
                ],
                stopReason: .toolUse, createdAt: Fixtures.date),
            .toolResults(
                results: [
                    ToolResult(toolUseID: "call_1", text: "18C"),
                    ToolResult(toolUseID: "call_2", text: "boom", isError: true),
                ], createdAt: Fixtures.date),
            .assistant(
                blocks: [.reasoning(text: "only thoughts", meta: nil)], stopReason: .endTurn, createdAt: Fixtures.date),
            .assistant(blocks: [.toolUse(third)], stopReason: .toolUse, createdAt: Fixtures.date),
            .toolResults(results: [ToolResult(toolUseID: "call_3", text: "")], createdAt: Fixtures.date),
            .user(content: [], transcriptRole: .conversational, createdAt: Fixtures.date),
            Fixtures.system("mid-conversation rule"),
            Fixtures.user("and now?"),
        ]
        let format = OutputFormat(name: "out", schema: ["type": "object", "properties": [:]], strict: true)
        let variants: [(ChatCompletionsClient.MaxTokensField?, SelfHostedModel.StructuredOutputMode, LLMRequest)] = [
            (nil, .jsonSchema, LLMRequest(model: "gpt-5.4", messages: [Fixtures.user("Hi")])),
            (
                nil, .jsonSchema,
                LLMRequest(
                    model: "gpt-5.4", messages: messages, tools: [Fixtures.weatherTool], temperature: 0.25,
                    stopSequences: ["STOP", "END"], outputFormat: format)
            ),
            (.maxTokens, .jsonObject, LLMRequest(model: "local", messages: messages, outputFormat: format)),
            (.maxTokens, .promptOnly, LLMRequest(model: "local", messages: messages, outputFormat: format)),
            (
                nil, .jsonSchema,
                LLMRequest(
                    model: "gpt-5.4", messages: messages, temperature: 0.5,
                    providerParams: ["temperature": 1, "seed": 7, "stream_options": ["extra": "x"]])
            ),
        ]
        try await withMockServer { server in
            for (field, mode, request) in variants {
                server.enqueue(.text("ok"))
                let client =
                    field == .maxTokens
                    ? ChatCompletionsClient.selfHosted(
                        baseURL: server.baseURL, apiKey: APIKey("test-key"), structuredOutput: mode)
                    : client(server)
                let events = await collect(client.stream(request))
                #expect(events.outcome == .success(.endTurn))
                let sent = try #require(server.requests.last)
                let parsed = try JSONValue.parse(bytes: sent.body)
                #expect(parsed.encodedJSONBytes() == sent.body)
                #expect(parsed == (try client.wireBody(for: request)))
            }
        }
        let full = try ChatCompletionsClient(apiKey: nil, environment: [:]).wireBody(for: variants[1].2)
        #expect(full["temperature"] == 0.25)
        #expect(full["stop"] == ["STOP", "END"])
        #expect(full["messages"]?.arrayValue?.count == 10)
        #expect(
            full["messages"]?.arrayValue?[3]
                == [
                    "role": "assistant", "content": "Checking.",
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": "get_weather", "arguments": #"{"city":"Paris","units":["c",1]}"#],
                        ],
                        [
                            "id": "call_2", "type": "function",
                            "function": ["name": "get_weather", "arguments": #"{"city":"Rome"}"#],
                        ],
                    ],
                ])
        #expect(
            full["messages"]?.arrayValue?[5] == ["role": "tool", "tool_call_id": "call_2", "content": "error: boom"])
        #expect(full["messages"]?.arrayValue?[6]["content"] == .null)
        let merged = try ChatCompletionsClient(apiKey: nil, environment: [:]).wireBody(for: variants[4].2)
        #expect(merged["temperature"] == 1)
        #expect(merged["seed"] == 7)
        #expect(merged["stream_options"] == ["include_usage": true, "extra": "x"])
    }

    /// One client reuses the encoding of the messages its previous request shared with the next; whatever the next
    /// request's messages are (grown, compacted, edited, with rows that send nothing), the body is the one a fresh
    /// encoding writes.
    @Test func reusedMessageEncodingAlwaysEqualsAFreshOne() async throws {
        let date = Fixtures.date
        func user(_ text: String) -> Message {
            .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
        }
        func assistant(_ text: String) -> Message {
            .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
        }
        let silent = Message.assistant(
            blocks: [.reasoning(text: "thinking", meta: nil)], stopReason: .endTurn, createdAt: date)
        let empty = Message.user(content: [], transcriptRole: .conversational, createdAt: date)
        var history: [Message] = [Fixtures.system("Be terse.")]
        var transcripts: [[Message]] = []
        for turn in 0..<4 {
            history += [user("q\(turn)"), turn == 1 ? silent : assistant("a\(turn)")]
            if turn == 2 { history.append(empty) }
            transcripts.append(history + [user("next \(turn)")])
        }
        transcripts.append([history[0], user("summary of it all"), history[7], history[8], user("after compaction")])
        var edited = history
        edited[3] = assistant("rewritten")
        transcripts.append(edited + [user("after an edit")])
        transcripts.append([empty, silent, user("only this")])
        transcripts.append(history + [user("again")])
        transcripts.append(Array(history.prefix(3)) + [user("shorter")])
        try await withMockServer { server in
            let client = client(server)
            for messages in transcripts {
                server.enqueue(.text("ok"))
                let request = provider.request(messages)
                let events = await collect(client.stream(request))
                #expect(events.outcome == .success(.endTurn))
                let sent = try #require(server.requests.last)
                #expect(sent.body == (try client.wireBody(for: request)).encodedJSONBytes())
            }
        }
    }

    @Test func megabyteDataLineIsHandled() async throws {
        let big = String(repeating: "é", count: 600_000)  // 1.2 MB of UTF-8 in one data line
        let chunk = #"{"id":"c","choices":[{"index":0,"delta":{"content":"\#(big)"},"finish_reason":null}]}"#
        let finish = #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
        try await withMockServer { server in
            server.enqueue(.raw(.sse(["data: \(chunk)\n\n", "data: \(finish)\n\ndata: [DONE]\n\n"])))
            let events = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.text.count == 600_000)
            #expect(events.outcome == .success(.endTurn))
        }
    }

    @Test func oddlyShapedChunksAreToleratedAndGarbageIsTyped() async throws {
        let chunks = [
            #"{"id":"c","object":"chat.completion.chunk"}"#,  // choices missing
            #"{"id":"c","choices":[{"delta":null,"finish_reason":null}]}"#,  // delta null, index missing
            #"{"id":"c","choices":[{"delta":{"content":"ok"}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#,
        ]
        try await withMockServer { server in
            server.enqueue(
                .raw(.sse(chunks.map { "data: \($0)\n\n" } + ["data: [DONE]\n\n"])),
                .raw(.sse(["data: [1, 2, 3]\n\n"])))
            let tolerated = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(tolerated.text == "ok")
            #expect(tolerated.outcome == .success(.endTurn))
            let garbage = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(garbage.failure?.kind == .streamParseError)
        }
    }
}

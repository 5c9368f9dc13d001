import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

@Suite struct OpenAIResponsesClientTests {
    private let provider = ProviderUnderTest.responses

    private func client(_ server: MockProviderServer) -> OpenAIResponsesClient {
        OpenAIResponsesClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
    }

    @Test func followUpAfterParallelCallsUsesCallIDsStatelessly() async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls), .text("Done."))
            let question = [Fixtures.user("Weather in Paris and Rome?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            // Argument deltas reference fc_ items on the wire; events carry the call_ ids.
            let deltaIDs = first.compactMap { if case .toolCallDelta(let id, _, _) = $0 { id } else { nil } }
            #expect(Set(deltaIDs) == ["call_A", "call_B"])
            #expect(first.toolCalls.map(\.id) == ["call_A", "call_B"])

            let assistant = assembleAssistant(first)
            let second = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(second.outcome == .success(.endTurn))
            let sent = try #require(server.requests.last)
            #expect(sent.path == "/v1/responses")
            #expect(sent.header("authorization") == "Bearer test-key")
            #expect(
                sent.json
                    == [
                        "model": "gpt-5.4", "stream": true, "store": false, "include": ["reasoning.encrypted_content"],
                        "max_output_tokens": 1024,
                        "tools": [
                            [
                                "type": "function", "name": "get_weather", "description": "Current weather",
                                "parameters": [
                                    "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"],
                                ],
                                "strict": false,
                            ]
                        ],
                        "input": [
                            [
                                "role": "user",
                                "content": [["type": "input_text", "text": "Weather in Paris and Rome?"]],
                            ],
                            ["role": "assistant", "content": [["type": "output_text", "text": "I'll check both."]]],
                            [
                                "type": "function_call", "call_id": "call_A", "name": "get_weather",
                                "arguments": #"{"city":"Paris"}"#,
                            ],
                            [
                                "type": "function_call", "call_id": "call_B", "name": "get_weather",
                                "arguments": #"{"city":"Rome"}"#,
                            ],
                            ["type": "function_call_output", "call_id": "call_A", "output": "18C sunny"],
                            ["type": "function_call_output", "call_id": "call_B", "output": "error: city not found"],
                        ],
                    ])
        }
    }

    @Test func encryptedReasoningIsReplayedFromMeta() async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(
                    MockTurn(
                        [
                            .reasoning("Plan it.", signature: "gAAAAencrypted"),
                            .toolCall(id: "call_R", name: "get_weather", arguments: #"{"city":"Lima"}"#),
                        ], usage: .init(input: 20, output: 30, reasoning: 12))),
                .text("Warm."))
            let question = [Fixtures.user("Lima?")]
            let first = await collect(client(server).stream(provider.request(question, tools: [Fixtures.weatherTool])))
            let reasoning = try #require(first.reasoning.first)
            #expect(reasoning.text == "Plan it.")
            #expect(
                reasoning.meta
                    == ProviderMeta(
                        provider: "openai", data: ["id": "rs_mock1_0", "encrypted_content": "gAAAAencrypted"]))
            #expect(first.lastUsage == Usage(inputTokens: 20, outputTokens: 30, cacheReadTokens: 0))

            let assistant = assembleAssistant(first)
            _ = await collect(
                client(server).stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            let input = try #require(server.requests.last?.json?["input"]?.arrayValue)
            #expect(
                input[1]
                    == [
                        "type": "reasoning", "id": "rs_mock1_0", "encrypted_content": "gAAAAencrypted",
                        "summary": [["type": "summary_text", "text": "Plan it."]],
                    ])
        }
    }

    @Test func instructionsDeveloperRowsAndStructuredOutput() throws {
        let request = LLMRequest(
            model: "gpt-5.4",
            messages: [
                Fixtures.system("Be exact."), Fixtures.user("Hi"),
                .assistant(
                    blocks: [.reasoning(text: "no meta", meta: nil), .text(text: "Hello", meta: nil)],
                    stopReason: .endTurn, createdAt: Fixtures.date),
                Fixtures.system("Answer in JSON."),
                .user(
                    content: [.text("pic"), .image(mediaType: "image/jpeg", source: .inline(data: "/9j/"))],
                    transcriptRole: .conversational, createdAt: Fixtures.date),
            ],
            maxTokens: 100, temperature: 0.3, providerParams: ["reasoning": ["effort": "high"]],
            outputFormat: OutputFormat(name: "answer", schema: ["type": "object"], strict: true))
        let body = try OpenAIResponsesClient(apiKey: nil, environment: [:]).wireBody(for: request)
        #expect(body["instructions"] == "Be exact.")
        #expect(
            body["input"]
                == [
                    ["role": "user", "content": [["type": "input_text", "text": "Hi"]]],
                    ["role": "assistant", "content": [["type": "output_text", "text": "Hello"]]],
                    ["role": "developer", "content": [["type": "input_text", "text": "Answer in JSON."]]],
                    [
                        "role": "user",
                        "content": [
                            ["type": "input_text", "text": "pic"],
                            ["type": "input_image", "image_url": "data:image/jpeg;base64,/9j/"],
                        ],
                    ],
                ])
        #expect(
            body["text"] == [
                "format": ["type": "json_schema", "name": "answer", "schema": ["type": "object"], "strict": true]
            ])
        #expect(body["reasoning"] == ["effort": "high"])
        #expect(body["temperature"] == 0.3)
    }

    @Test func bareErrorEventAndUnknownCallOutputAreTyped() async throws {
        try await withMockServer { server in
            server.enqueue(.text("x", .with { $0.inBandError = .init(afterEvents: 2, style: .bareError) }))
            let bare = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(bare.failure?.kind == .serverError)

            let orphan = Message.toolResults(
                results: [ToolResult(toolUseID: "call_nobody", text: "x")], createdAt: Fixtures.date)
            let rejected = await collect(client(server).stream(provider.request([Fixtures.user("Hi"), orphan])))
            #expect(rejected.failure?.kind == .invalidRequest)
            #expect(rejected.failure?.message.contains("call_nobody") == true)
        }
    }

    @Test func baseURLComesFromEnvironmentAndGainsV1() {
        let client = OpenAIResponsesClient(
            apiKey: nil, environment: ["OPENAI_BASE_URL": "http://proxy.local:8080/"])
        #expect(client.baseURL == "http://proxy.local:8080/v1")
        #expect(OpenAIResponsesClient(apiKey: nil, environment: [:]).baseURL == "https://api.openai.com/v1")
    }

    @Test func terminalEventsWithOddStatusesAreNotSuccess() async throws {
        func event(_ type: String, _ response: String) -> String {
            "event: \(type)\ndata: {\"type\":\"\(type)\",\"response\":\(response)}\n\n"
        }
        try await withMockServer { server in
            server.enqueue(
                .raw(.sse([event("response.completed", #"{"status":"cancelled"}"#)])),
                .raw(
                    .sse([
                        event(
                            "response.incomplete", #"{"status":"incomplete","incomplete_details":{"reason":"mystery"}}"#
                        )
                    ])),
                .raw(
                    .sse([
                        event("response.completed", #"{"status":"completed"}"#),
                        event("response.completed", #"{"status":"failed"}"#),
                    ])))
            let cancelled = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(cancelled.failure?.kind == .unknown)
            let mystery = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(mystery.failure?.kind == .unknown)
            let duplicate = await collect(client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(duplicate.outcome == .success(.endTurn))
            #expect(duplicate.doneCount == 1)
        }
    }

    /// The body is written as bytes with each row's items kept between requests; whatever the next request is (grown,
    /// compacted, edited, rows that send nothing, provider parameters over the other fields or over `input`), the
    /// body sent is canonical JSON equal to a fresh encoding.
    @Test func reusedRowEncodingAlwaysEqualsAFreshOne() async throws {
        let date = Fixtures.date
        let reasoningMeta = ProviderMeta(provider: "openai", data: ["id": "rs_1", "encrypted_content": "gAAAA"])
        func user(_ text: String) -> Message {
            .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
        }
        func assistant(_ text: String) -> Message {
            .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
        }
        let call = ToolCall(id: "call_1", name: "get_weather", args: ["city": "Paris"])
        var history: [Message] = [Fixtures.system("Rule one."), user("Weather?")]
        history.append(
            .assistant(
                blocks: [
                    .reasoning(text: "why", meta: reasoningMeta), .text(text: "Checking.", meta: nil), .toolUse(call),
                ],
                stopReason: .toolUse, createdAt: date))
        history.append(
            .toolResults(results: [ToolResult(toolUseID: "call_1", text: "18C", isError: true)], createdAt: date))
        history.append(.systemNotice(kind: .generic, blocks: [.text("note")], createdAt: date))
        history.append(.user(content: [], transcriptRole: .conversational, createdAt: date))
        history.append(assistant("It is 18C."))
        var requests: [LLMRequest] = []
        for turn in 0..<3 {
            history += [user("q\(turn)"), assistant("a\(turn)"), Fixtures.system("late rule \(turn)")]
            requests.append(provider.request(history + [user("next \(turn)")], tools: [Fixtures.weatherTool]))
        }
        requests.append(provider.request([history[0], user("summary"), history[7], history[8], user("compacted")]))
        var edited = history
        edited[6] = assistant("rewritten")
        requests.append(provider.request(edited + [user("after an edit")]))
        var tuned = provider.request(history + [user("tuned")])
        tuned.providerParams = ["reasoning": ["effort": "low"], "store": true, "max_output_tokens": 99]
        requests.append(tuned)
        var replaced = provider.request(history + [user("replaced")])
        replaced.providerParams = ["input": [["role": "user", "content": "only this"]]]
        requests.append(replaced)
        requests.append(provider.request(Array(history.prefix(2))))
        try await withMockServer { server in
            let client = client(server)
            for request in requests {
                server.enqueue(.text("ok"))
                _ = await collect(client.stream(request))
                let sent = try #require(server.requests.last)
                let fresh = try client.wireBody(for: request)
                #expect(sent.body == fresh.encodedJSONBytes())
            }
        }
        let tunedBody = try OpenAIResponsesClient(apiKey: nil, environment: [:]).wireBody(for: tuned)
        #expect(tunedBody["reasoning"] == ["effort": "low"])
        #expect(tunedBody["store"] == true)
        #expect(tunedBody["max_output_tokens"] == 99)
        #expect(tunedBody["instructions"] == "Rule one.")
        #expect(tunedBody["input"]?.arrayValue?.count == 17)
    }
}

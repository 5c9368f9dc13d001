import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

/// Behaviour every client must share, run against the mock in each dialect.
@Suite struct ProviderMatrixTests {
    @Test(arguments: ProviderUnderTest.allCases)
    func plainTextEndsTurnWithNormalisedUsage(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(.text("Hello there, friend.", usage: .init(input: 12, output: 6, cacheRead: 3, cacheWrite: 4))))
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.text == "Hello there, friend.")
            #expect(events.outcome == .success(.endTurn))
            #expect(events.doneCount == 1)
            let usage = try #require(events.lastUsage)
            #expect(usage.inputTokens == 12)
            #expect(usage.outputTokens == 6)
            #expect(usage.cacheReadTokens == 3)
            #expect(usage.cacheCreationTokens == (provider == .anthropic ? 4 : nil))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func parallelToolCallsRoundTripPassesValidation(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.turn(Fixtures.parallelCalls), .text("Paris is sunny; Rome is unknown."))
            let client = provider.client(server)
            let question = [Fixtures.user("Weather in Paris and Rome?")]
            let first = await collect(client.stream(provider.request(question, tools: [Fixtures.weatherTool])))
            #expect(first.outcome == .success(.toolUse))
            #expect(first.text == "I'll check both.")
            let calls = first.toolCalls
            #expect(calls.map(\.name) == ["get_weather", "get_weather"])
            #expect(first.toolArgs == [["city": "Paris"], ["city": "Rome"]])
            #expect(Set(calls.map(\.id)).count == 2)

            let assistant = assembleAssistant(first)
            let followUp = question + [assistant, answer(assistant)]
            let second = await collect(client.stream(provider.request(followUp, tools: [Fixtures.weatherTool])))
            // The mock validates tool-result pairing like the real API; a 400 would surface as a failure.
            #expect(second.outcome == .success(.endTurn))
            #expect(second.text == "Paris is sunny; Rome is unknown.")
            #expect(server.requests.count == 2)
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func tortureFramingGivesTheSameEvents(_ provider: ProviderUnderTest) async throws {
        let variants: [MockStreamOptions] = [
            .with { $0.chunking = .random(seed: 7, maxChunk: 5) },
            .with { $0.chunking = .fixed(1) },
            .with { $0.chunking = .coalesced },
            .with { $0.keepAlives = true },
            .with { $0.multiLineData = true },
            .with { $0.omitSpaceAfterColon = true },
            .with { $0.byteOrderMark = true },
            .with { $0.unknownEvents = true },
            .with { $0.lineEnding = .cr },
            .with { $0.lineEnding = .crlf },
            .with { $0.eventsAfterTerminal = true },
            .with {
                $0.keepAlives = true
                $0.multiLineData = true
                $0.unknownEvents = true
                $0.chunking = .random(seed: 99, maxChunk: 3)
            },
        ]
        let turn = MockTurn([
            .text("Grüße 世界 🦊 \"quoted\" \\ back"),
            .toolCall(id: "call_X", name: "get_weather", arguments: #"{"city": "Zürich 🏔"}"#),
        ])
        try await withMockServer { server in
            for options in variants { server.enqueue(.turn(turn, options)) }
            let client = provider.client(server)
            for (index, _) in variants.enumerated() {
                let events = await collect(
                    client.stream(provider.request([Fixtures.user("Hi")], tools: [Fixtures.weatherTool])))
                #expect(events.text == "Grüße 世界 🦊 \"quoted\" \\ back", "variant \(index)")
                #expect(events.toolCalls.count == 1, "variant \(index)")
                #expect(events.toolArgs == [["city": "Zürich 🏔"]], "variant \(index)")
                #expect(events.outcome == .success(.toolUse), "variant \(index)")
                #expect(events.doneCount == 1, "variant \(index)")
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func keepAlivesSurfaceAsLiveness(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.text("ok", .with { $0.keepAlives = true }))
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.filter { $0 == .liveness }.count >= 3)
            #expect(events.outcome == .success(.endTurn))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func earlyEndOfStreamIsARetryableTruncationNeverSuccess(_ provider: ProviderUnderTest) async throws {
        let cuts: [MockStreamOptions.Cut] = [
            .cleanEOF(afterEvents: 2), .abruptClose(afterEvents: 2), .midEvent(afterEvents: 2), .reset(afterEvents: 2),
        ]
        try await withMockServer { server in
            for cut in cuts { server.enqueue(.text("Hello there, friend.", .with { $0.cut = cut })) }
            let client = provider.client(server)
            for cut in cuts {
                let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
                let failure = try #require(events.failure, "\(cut) must fail")
                #expect(failure.isRetryable, "\(cut): \(failure)")
                #expect([.incompleteResponse, .connectionReset].contains(failure.kind), "\(cut): \(failure)")
                #expect(events.doneCount == 1)
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func stalledStreamFailsWithStreamStalledAndClosesTheConnection(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.text("Hello there, friend.", .with { $0.cut = .stall(afterEvents: 1) }))
            let client = provider.client(server, transport: TestTransports.impatient)
            let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])), timeout: .seconds(60))
            // Which timeout fires depends on whether the response head arrived before the silence. After an event
            // of the stream it has: a stall. Before any, either can be right: on a loaded machine the mock may be
            // scheduled late before its head (no response: a network timeout) or between its head and its first
            // event (a stall, with nothing decoded yet). Either way it is a typed, retryable timeout.
            let receivedSomething = events.count > 1
            let kind = try #require(events.failure?.kind)
            if receivedSomething {
                #expect(kind == .streamStalled)
            } else {
                #expect(kind == .networkTimeout || kind == .streamStalled)
            }
            #expect(events.failure?.isRetryable == true)
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func callTimeoutEndsAStreamThatKeepsSendingKeepAlivesOnly(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .text(
                    "Hello there, friend.", .with { $0.cut = .keepAlivesOnly(afterEvents: 1, every: .milliseconds(20)) }
                ))
            let client = provider.client(server, timeouts: StreamTimeouts(callTimeout: .milliseconds(400)))
            let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])), timeout: .seconds(60))
            #expect(events.failure?.kind == .callTimeout)
            #expect(events.doneCount == 1)
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func keepAliveOnlyStreamFeedsLivenessUntilTheConsumerLeaves(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .text(
                    "Hello there, friend.", .with { $0.cut = .keepAlivesOnly(afterEvents: 1, every: .milliseconds(10)) }
                ))
            var liveness = 0
            do {
                // Dropping the stream (not just leaving the loop) is what tells the client the consumer is gone.
                let stream = provider.client(server).stream(provider.request([Fixtures.user("Hi")]))
                for await event in stream {
                    if event == .liveness { liveness += 1 }
                    if liveness == 5 { break }
                }
            }
            #expect(liveness == 5)
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func cancellingTheConsumerClosesTheHTTPConnection(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.text("Hello there, friend.", .with { $0.cut = .stall(afterEvents: 2) }))
            let stream = provider.client(server).stream(provider.request([Fixtures.user("Hi")]))
            let consumer = Task {
                var count = 0
                for await _ in stream { count += 1 }
                return count
            }
            #expect(await server.waitForRequests(1))
            consumer.cancel()
            _ = await consumer.value
            #expect(await server.waitForClientDisconnects(1))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func inBandErrorBeforeAndAfterContentIsTyped(_ provider: ProviderUnderTest) async throws {
        let expected: LLMError.Kind = provider == .anthropic ? .serverOverloaded : .serverError
        try await withMockServer { server in
            server.enqueue(
                .text("Hello there, friend.", .with { $0.inBandError = .init(afterEvents: 0) }),
                .text("Hello there, friend.", .with { $0.inBandError = .init(afterEvents: 3) }))
            let client = provider.client(server)
            for _ in 0..<2 {
                let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
                #expect(events.failure?.kind == expected)
                #expect(events.failure?.isRetryable == true)
                #expect(events.doneCount == 1)
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func malformedPayloadIsATypedParseErrorAndTruncatedTailIsRetryable(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .raw(.sse(["data: {\"type\": \"message_start\", oops\n\n", "data: more\n\n"])),
                .raw(.sse(["data: {\"type\":\"message_sta"])))
            let client = provider.client(server)
            let malformed = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(malformed.failure?.kind == .streamParseError)
            #expect(malformed.failure?.isRetryable == false)
            let truncated = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(truncated.failure?.kind == .incompleteResponse)
            #expect(truncated.failure?.isRetryable == true)
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func nonStreamingJSONBodyIsReportedNotParsedAsSuccess(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .raw(.json(#"{"id":"x","object":"chat.completion","choices":[]}"#)),
                .raw(.json(#"{"error":{"message":"boom","type":"server_error"}}"#)))
            let client = provider.client(server)
            let plain = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(plain.failure?.kind == .streamParseError)
            let error = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
            #expect(error.failure?.kind == .serverError)
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func slowButSteadyStreamSucceeds(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(
                .text(
                    "slow and steady",
                    .with {
                        $0.headerDelay = .milliseconds(100)
                        $0.firstEventDelay = .milliseconds(100)
                        $0.chunkDelay = .milliseconds(10)
                    }))
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user("Hi")])))
            #expect(events.text == "slow and steady")
            #expect(events.outcome == .success(.endTurn))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func stopReasonsAreNormalised(_ provider: ProviderUnderTest) async throws {
        let cases: [(MockTurn.Stop, StopReason)] = [(.maxTokens, .maxTokens), (.contentFilter, .contentFilter)]
        try await withMockServer { server in
            for (stop, _) in cases { server.enqueue(.turn(MockTurn([.text("partial")], stop: stop))) }
            let client = provider.client(server)
            for (_, expected) in cases {
                let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
                #expect(events.outcome == .success(expected))
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func blobImagesFailFastWithATypedError(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            let message = Message.user(
                content: [.image(mediaType: "image/png", source: .blob(blobID: "sha256:abc"))],
                transcriptRole: .conversational, createdAt: Fixtures.date)
            let events = await collect(provider.client(server).stream(provider.request([message])))
            #expect(events.failure?.kind == .invalidInputShape)
            #expect(server.requests.isEmpty)
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func ruleModeEchoesAndCallsToolsOnRequest(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            let client = provider.client(server)
            let echo = await collect(client.stream(provider.request([Fixtures.user("ping")])))
            #expect(echo.text == "echo: ping")
            let question = [Fixtures.user(#"please call tool get_weather {"city": "Oslo"}"#)]
            let call = await collect(client.stream(provider.request(question, tools: [Fixtures.weatherTool])))
            #expect(call.toolCalls.map(\.name) == ["get_weather"])
            #expect(call.toolArgs == [["city": "Oslo"]])
            let assistant = assembleAssistant(call)
            let result = await collect(
                client.stream(
                    provider.request(question + [assistant, answer(assistant)], tools: [Fixtures.weatherTool])))
            #expect(result.text == "tool results: 18C sunny")
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func structuredOutputIsRequestedNativelyAndComesBackAsJSONText(_ provider: ProviderUnderTest) async throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["answer": ["type": "string"]], "required": ["answer"],
        ]
        try await withMockServer { server in
            server.enqueue(.text(#"{"answer": "42"}"#))
            let request = provider.request(
                [Fixtures.user("Answer?")], outputFormat: OutputFormat(name: "result", schema: schema, strict: true))
            let events = await collect(provider.client(server).stream(request))
            #expect(try JSONValue.parse(events.text) == ["answer": "42"])
            let body = try #require(server.requests.first?.json)
            switch provider {
            case .anthropic:
                #expect(body["output_config"]?["format"]?["schema"] == schema)
            case .responses:
                #expect(body["text"]?["format"]?["name"] == "result")
            case .chat:
                #expect(body["response_format"]?["json_schema"]?["schema"] == schema)
            case .gemini:
                #expect(body["generationConfig"]?["responseMimeType"] == "application/json")
                #expect(body["generationConfig"]?["responseSchema"]?["type"] == "OBJECT")
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func completedStreamsReuseThePooledConnection(_ provider: ProviderUnderTest) async throws {
        // A private pool, so other tests' connections cannot interfere with the count.
        let transport = HTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        try await withMockServer { server in
            let client = provider.client(server, transport: transport)
            for index in 0..<3 {
                server.enqueue(.text("reply \(index)"))
                let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
                #expect(events.text == "reply \(index)")
            }
            // AsyncHTTPClient hands a finished connection back to its pool on its event loop, which can be just
            // after the caller has seen the stream's end and started the next request: under load that request may
            // open a second connection. Without reuse every request would open its own (3).
            #expect(server.connectionCount < 3, "no connection was reused: \(server.connectionCount)")
        }
    }
}

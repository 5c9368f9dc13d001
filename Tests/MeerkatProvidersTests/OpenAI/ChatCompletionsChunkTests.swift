import MeerkatCore
import Testing

@testable import MeerkatProviders

/// The chunk reader keeps `Decodable`'s rules for the fields it reads: missing or `null` is absent, another type
/// makes the chunk unreadable (a malformed-stream failure, or the in-band error it carries).
@Suite struct ChatCompletionsChunkTests {
    private func decode(_ data: [String]) -> [LLMEvent] {
        var decoder = ChatCompletionsStreamDecoder()
        return data.flatMap { decoder.decode(SSEEvent(data: $0), atEOF: false) }
    }

    private func isFailure(_ event: LLMEvent?) -> Bool {
        if case .done(.failure) = event { return true }
        return false
    }

    @Test func textNullFieldsAndUsageAreRead() {
        let events = decode([
            #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel","refusal":null,"tool_calls":null},"finish_reason":null}],"usage":null}"#,
            #"{"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}}"#,
        ])
        #expect(events.first == .textDelta("Hel"))
        #expect(events.contains(.textDelta("lo")))
        #expect(events.contains(.usage(Usage(inputTokens: 6, outputTokens: 3, cacheReadTokens: 4))))
        #expect(!events.contains(where: isFailure))
    }

    @Test func toolCallFragmentsAreJoinedByIndex() {
        let events = decode([
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"echo","arguments":"{\"a\""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ])
        #expect(events.contains(.toolCallComplete(id: "call_1", name: "echo", args: #"{"a":1}"#, meta: nil)))
    }

    @Test func callsStreamedWithoutAnIdGetOneIdPrefixPerStream() throws {
        let chunk =
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"a","arguments":"{}"}},{"index":1,"function":{"name":"b","arguments":"{}"}}]}}]}"#
        let finish = #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#
        func ids(_ events: [LLMEvent]) -> [String] {
            events.compactMap { if case .toolCallComplete(let id, _, _, _) = $0 { id } else { nil } }
        }
        let first = ids(decode([chunk, finish]))
        #expect(first.count == 2)
        let prefix = try #require(first.first?.dropLast(2))
        #expect(prefix.count == "call_".count + 8)
        #expect(prefix.hasPrefix("call_") && prefix.dropFirst(5).allSatisfy(\.isHexDigit))
        #expect(first == ["\(prefix)_0", "\(prefix)_1"])
        let second = ids(decode([chunk, finish]))
        #expect(second.count == 2 && second.allSatisfy { $0.hasPrefix("call_") && !$0.hasPrefix(prefix) })
    }

    @Test(arguments: [
        #"{"choices":[{"index":0,"delta":{"content":5}}]}"#,
        #"{"choices":{"index":0}}"#,
        #"{"choices":[{"index":"first","delta":{"content":"x"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0.5}]}}]}"#,
        #"{"usage":{"prompt_tokens":"ten"}}"#,
        #"["not","an","object"]"#,
        #"{"choices":[{"index":0,"delta":{"content":"x"}}"#,
    ])
    func aFieldOfAnotherTypeMakesTheChunkUnreadable(data: String) {
        let events = decode([data])
        #expect(events.count == 1)
        #expect(isFailure(events.first))
    }

    @Test func anErrorEnvelopeIsTheProvidersError() {
        let events = decode([#"{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}"#])
        #expect(events.count == 1)
        #expect(isFailure(events.first))
    }
}

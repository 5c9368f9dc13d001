import Foundation
import MeerkatCore
import Testing

@Suite("Conversation model")
struct ModelTests {
    @Test func inputAndRunIDsAreVersion7AndLowercase() {
        let id = InputID()
        #expect(UUIDv7.version(of: id.uuid) == 7)
        #expect(UUIDv7.version(of: RunID().uuid) == 7)
        #expect(id.description == id.description.lowercased())
        #expect(InputID(id.description) == id)
    }

    @Test func v7IdsSortByTime() {
        var generator = SystemRandomNumberGenerator()
        let early = UUIDv7.make(milliseconds: 1_000, using: &generator)
        let late = UUIDv7.make(milliseconds: 2_000, using: &generator)
        #expect(InputID(uuid: early) < InputID(uuid: late))
    }

    @Test func v7IdsCarryVersionVariantAndTimestampAndAreUnique() {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        var seen = Set<UUID>()
        for _ in 0..<50_000 {
            let id = UUIDv7.make()
            #expect(UUIDv7.version(of: id) == 7)
            #expect(id.uuid.8 & 0xC0 == 0x80)
            seen.insert(id)
        }
        let sample = UUIDv7.make().uuid
        let stamp = [sample.0, sample.1, sample.2, sample.3, sample.4, sample.5].reduce(UInt64(0)) {
            $0 << 8 | UInt64($1)
        }
        #expect(stamp >= before && stamp <= UInt64(Date().timeIntervalSince1970 * 1000))
        #expect(seen.count == 50_000)
    }

    @Test func identifierRejectsNonUUIDWithClearError() {
        #expect {
            _ = try decode(SessionID.self, #""not-a-uuid""#)
        } throws: { "\($0)".contains("'not-a-uuid' is not a UUID") }
    }

    @Test func jsonValueRoundTripsAndKeepsIntegersIntegral() throws {
        let value: JSONValue = ["a": 1, "b": [true, nil, 2.5, "s"], "c": ["d": -3]]
        #expect(try json(value) == #"{"a":1,"b":[true,null,2.5,"s"],"c":{"d":-3}}"#)
        #expect(try JSONValue.parse(#"{"a":1,"b":[true,null,2.5,"s"],"c":{"d":-3}}"#) == value)
    }

    @Test func jsonParseErrorExplains() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse("{\"a\":") }
    }

    @Test func userMessageGolden() throws {
        let date = Date(timeIntervalSince1970: 0)
        let message = Message.user(content: [.text("hi")], transcriptRole: .conversational, createdAt: date)
        #expect(
            try json(message)
                == #"{"content":[{"text":"hi","type":"text"}],"created_at":"1970-01-01T00:00:00.000Z","role":"user","transcript_role":"conversational"}"#
        )
        _ = try roundTrip(message)
    }

    @Test func assistantMessageMatchesSpecExampleShape() throws {
        let decoded = try decode(
            Message.self,
            #"{"role":"block_assistant","blocks":[{"block_type":"text","data":{"text":"Hi"}}],"stop_reason":"end_turn"}"#
        )
        guard case .assistant(let blocks, let stop, _) = decoded else {
            Issue.record("not an assistant message")
            return
        }
        #expect(blocks == [.text(text: "Hi", meta: nil)])
        #expect(stop == .endTurn)
    }

    @Test func assistantBlocksKeepOrderAndMeta() throws {
        let meta = ProviderMeta(provider: "anthropic", data: ["signature": "sig"])
        let message = Message.assistant(
            blocks: [
                .reasoning(text: "think", meta: meta), .text(text: "answer", meta: nil),
                .toolUse(ToolCall(id: "t1", name: "read_file", args: ["path": "a"])),
            ], stopReason: .toolUse, createdAt: Date(timeIntervalSince1970: 0))
        let encoded = try json(message)
        #expect(
            encoded.contains(
                #"{"block_type":"reasoning","data":{"meta":{"data":{"signature":"sig"},"provider":"anthropic"},"text":"think"}}"#
            ))
        #expect(
            encoded.contains(#"{"block_type":"tool_use","data":{"args":{"path":"a"},"id":"t1","name":"read_file"}}"#))
        _ = try roundTrip(message)
        #expect(message.toolCalls.map(\.id) == ["t1"])
    }

    @Test func textOnlyToolResultSerialisesAsString() throws {
        #expect(
            try json(ToolResult(toolUseID: "t", text: "ok")) == #"{"content":"ok","is_error":false,"tool_use_id":"t"}"#)
        let blocks = ToolResult(toolUseID: "t", content: [.text("a"), .structured(["k": 1])], isError: true)
        #expect(
            try json(blocks)
                == #"{"content":[{"text":"a","type":"text"},{"data":{"k":1},"type":"structured"}],"is_error":true,"tool_use_id":"t"}"#
        )
        _ = try roundTrip(blocks)
    }

    @Test func everyMessageRoleRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        let messages: [Message] = [
            .system(content: "be brief", createdAt: date),
            .systemNotice(kind: .externalEvent, blocks: [.text("evt")], createdAt: date),
            .user(
                content: [.image(mediaType: "image/jpeg", source: .blob(blobID: "sha256:ab"))],
                transcriptRole: .injectedContext, createdAt: date),
            .user(content: [.text("summary")], transcriptRole: .compactionSummary, createdAt: date),
            .toolResults(results: [ToolResult(toolUseID: "a", text: "x")], createdAt: date),
        ]
        for message in messages { _ = try roundTrip(message) }
        #expect(try json(messages[0]).contains(#""role":"system""#))
        #expect(try json(messages[1]).contains(#""kind":"external_event""#))
    }

    @Test func stopReasonsUseWireNames() throws {
        #expect(
            StopReason.allCases.map(\.rawValue) == [
                "end_turn", "tool_use", "max_tokens", "stop_sequence", "content_filter", "cancelled",
            ])
    }

    @Test func usageSumsAndPresentsCacheTokens() throws {
        let usage =
            Usage(inputTokens: 10, outputTokens: 5, cacheCreationTokens: 3, cacheReadTokens: 2)
            + Usage(inputTokens: 1, outputTokens: 1)
        #expect(usage == Usage(inputTokens: 11, outputTokens: 6, cacheCreationTokens: 3, cacheReadTokens: 2))
        #expect(usage.presentedInputTokens == 16)
        #expect(usage.totalTokens == 22)
        #expect(try json(Usage(inputTokens: 1, outputTokens: 2)) == #"{"input_tokens":1,"output_tokens":2}"#)
    }

    @Test func sessionFindsUnansweredToolUses() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        var session = Session(messages: [
            .assistant(
                blocks: [
                    .toolUse(ToolCall(id: "a", name: "x", args: [:])),
                    .toolUse(ToolCall(id: "b", name: "x", args: [:])),
                ],
                stopReason: .toolUse, createdAt: date),
            .toolResults(results: [ToolResult(toolUseID: "a", text: "")], createdAt: date),
        ])
        #expect(session.unansweredToolUseIDs == ["b"])
        session.messages.append(.toolResults(results: [ToolResult(toolUseID: "b", text: "")], createdAt: date))
        #expect(session.unansweredToolUseIDs.isEmpty)
        session.createdAt = date
        session.updatedAt = date
        _ = try roundTrip(session)
    }

    @Test func contentInputIsStringOrArray() throws {
        #expect(try decode(ContentInput.self, #""hi""#) == .text("hi"))
        #expect(try decode(ContentInput.self, #"[{"type":"text","text":"a"}]"#) == .blocks([.text("a")]))
        #expect(try json(ContentInput.text("hi")) == #""hi""#)
    }
}

@Suite("Wire dates")
struct WireDateTests {
    @Test func formattingAParsedTimestampGivesTheSameText() {
        for millis in stride(from: 0, to: 1000, by: 1) {
            let text = "2026-11-21T10:00:00.\(String(millis + 1000).dropFirst())Z"
            let parsed = WireJSON.parseDate(text)
            #expect(parsed.map(WireJSON.formatDate) == text)
        }
        #expect(WireJSON.formatDate(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(WireJSON.formatDate(Date(timeIntervalSince1970: 0.9996)) == "1970-01-01T00:00:01.000Z")
    }
}

@Suite struct TrimmingTests {
    /// The ends lose exactly what Foundation's `.whitespacesAndNewlines` trimming removes; the inside stays.
    @Test(arguments: [
        "", " ", "\n\t\r ", "a", " a ", "\u{00A0}a b\u{2028}", "\r\nline one\n\nline two\r\n", "\u{3000}x\u{205F}",
        "é ", " 😀", "\u{0085}mid\u{0085}dle\u{200B}", "\u{200B}\u{FEFF}x", "\u{180E}y",
    ])
    func trimmingMatchesFoundation(text: String) {
        #expect(String(text.trimmingWhitespace()) == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

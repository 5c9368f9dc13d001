import MeerkatProviders
import MeerkatTesting
import Testing

/// Feeds `chunks` and the end of stream, returning every item.
private func parseAll(_ chunks: [[UInt8]], dispatchesUnterminatedEvent: Bool = true) throws -> [SSEItem] {
    var parser = SSEParser(dispatchesUnterminatedEvent: dispatchesUnterminatedEvent)
    var items: [SSEItem] = []
    for chunk in chunks { items += try parser.feed(chunk) }
    return items + parser.finish()
}

private func parseAll(_ text: String) throws -> [SSEItem] {
    try parseAll([Array(text.utf8)])
}

private func events(_ items: [SSEItem]) -> [SSEEvent] {
    items.compactMap { if case .event(let event) = $0 { event } else { nil } }
}

/// Splits `bytes` at every position in `cuts` (sorted, in range).
private func split(_ bytes: [UInt8], at cuts: [Int]) -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    var start = 0
    for cut in cuts where cut > start && cut < bytes.count {
        chunks.append(Array(bytes[start..<cut]))
        start = cut
    }
    chunks.append(Array(bytes[start...]))
    return chunks
}

@Suite struct SSEParserTests {
    @Test func dispatchesEventsOnBlankLinesWithLF() throws {
        let items = try parseAll("event: a\ndata: one\n\nevent: b\ndata: two\n\n")
        #expect(events(items) == [SSEEvent(type: "a", data: "one"), SSEEvent(type: "b", data: "two")])
    }

    @Test func acceptsCRLFAndLoneCRTerminators() throws {
        let crlf = try parseAll("data: one\r\n\r\ndata: two\r\n\r\n")
        let cr = try parseAll("data: one\r\rdata: two\r\r")
        let mixed = try parseAll("data: one\r\n\ndata: two\r\r\n")
        let expected = [SSEEvent(data: "one"), SSEEvent(data: "two")]
        #expect(events(crlf) == expected)
        #expect(events(cr) == expected)
        #expect(events(mixed) == expected)
    }

    @Test func crAtChunkEndFollowedByLFInNextChunkIsOneTerminator() throws {
        // If the \n were taken as a second terminator it would be a blank line and dispatch early.
        let items = try parseAll([Array("data: a\r".utf8), Array("\ndata: b\r".utf8), Array("\n\r\n".utf8)])
        #expect(events(items) == [SSEEvent(data: "a\nb")])
    }

    @Test func loneCRAtChunkEndStillTerminatesTheLine() throws {
        let items = try parseAll([Array("data: a\r".utf8), Array("\rdata: b\r\r".utf8)])
        #expect(events(items) == [SSEEvent(data: "a"), SSEEvent(data: "b")])
    }

    @Test func joinsMultiLineDataWithNewlines() throws {
        let items = try parseAll("data: {\ndata:  \"a\": 1\ndata: }\n\n")
        #expect(events(items) == [SSEEvent(data: "{\n \"a\": 1\n}")])
    }

    @Test func stripsExactlyOneSpaceAfterTheColon() throws {
        let items = try parseAll("data:x\n\ndata: y\n\ndata:  z\n\n")
        #expect(events(items).map(\.data) == ["x", "y", " z"])
    }

    @Test func surfacesCommentsAsLivenessAndDoesNotDispatchThem() throws {
        let items = try parseAll(": ping\n\n:\n\ndata: a\n: between\ndata: b\n\n")
        #expect(items == [.comment("ping"), .comment(""), .comment("between"), .event(SSEEvent(data: "a\nb"))])
    }

    @Test func eventWithEmptyDataBufferIsNotDispatchedAndResetsType() throws {
        let items = try parseAll("event: lonely\n\ndata: x\n\n")
        #expect(events(items) == [SSEEvent(data: "x")])
    }

    @Test func emptyDataLineDispatchesAnEmptyEvent() throws {
        let items = try parseAll("data:\n\n")
        #expect(events(items) == [SSEEvent(data: "")])
    }

    @Test func tracksIdAndRetryAcrossEvents() throws {
        let items = try parseAll("id: 7\nretry: 1500\ndata: a\n\nretry: nope\ndata: b\n\nid: 8\u{0}x\ndata: c\n\n")
        #expect(
            events(items) == [
                SSEEvent(data: "a", id: "7", retry: 1500), SSEEvent(data: "b", id: "7", retry: 1500),
                SSEEvent(data: "c", id: "7", retry: 1500),
            ])
    }

    @Test func surfacesUnknownFieldsSuchAsLlamaCppErrorLines() throws {
        let items = try parseAll("error: {\"code\":400}\n\nnovalue\n\n")
        #expect(
            items == [.unknownField(name: "error", value: "{\"code\":400}"), .unknownField(name: "novalue", value: "")])
    }

    @Test func stripsLeadingByteOrderMarkOnlyOnce() throws {
        let bytes: [UInt8] = [0xEF, 0xBB] + [0xBF] + Array("data: a\n\n".utf8)
        let items = try parseAll(split(bytes, at: [1, 2]))
        #expect(events(items) == [SSEEvent(data: "a")])
    }

    @Test func utf8CharacterSplitAcrossChunksIsDecodedIntact() throws {
        let text = "data: héllo 世界 🦊\n\n"
        let bytes = Array(text.utf8)
        // Cut inside the 2-byte é, the 3-byte 世 and the 4-byte fox.
        let foxStart = bytes.firstIndex(of: 0xF0)!
        let items = try parseAll(split(bytes, at: [8, 14, foxStart + 1, foxStart + 2, foxStart + 3]))
        #expect(events(items) == [SSEEvent(data: "héllo 世界 🦊")])
    }

    @Test func everySplitPositionYieldsTheSameEvents() throws {
        let text = "\u{FEFF}: hi\r\nevent: e\r\ndata: {\"t\":\"a\\\"b 🦊\"}\r\ndata: 2\r\n\r\n: x\rid: 3\rdata: z\r\r"
        let bytes = Array(text.utf8)
        let whole = try parseAll([bytes])
        #expect(events(whole).count == 2)
        for cut in 1..<bytes.count {
            #expect(try parseAll(split(bytes, at: [cut])) == whole, "cut at \(cut)")
        }
        // One byte per chunk.
        #expect(try parseAll(bytes.map { [$0] }) == whole)
    }

    @Test func randomSplitsMatchWholeParse() throws {
        var generator = SeededRandom(seed: 42)
        let text = (0..<50).map { "event: t\($0)\ndata: {\"i\":\($0),\"s\":\"ü€𝄞\"}\n\n" }.joined()
        let bytes = Array(text.utf8)
        let whole = try parseAll([bytes])
        #expect(events(whole).count == 50)
        for _ in 0..<100 {
            let cuts = (0..<20).map { _ in Int(generator.next() % UInt64(bytes.count)) }.sorted()
            #expect(try parseAll(split(bytes, at: cuts)) == whole)
        }
    }

    @Test func unterminatedEventAtEOFIsDispatchedOrDroppedAsConfigured() throws {
        let chunk = [Array("data: a\n\ndata: tail".utf8)]
        #expect(events(try parseAll(chunk)).map(\.data) == ["a", "tail"])
        #expect(events(try parseAll(chunk, dispatchesUnterminatedEvent: false)).map(\.data) == ["a"])
    }

    @Test func handlesMegabyteLines() throws {
        let payload = String(repeating: "x", count: 1 << 20)
        let bytes = Array("data: \(payload)\n\n".utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 16_384).map {
            Array(bytes[$0..<min($0 + 16_384, bytes.count)])
        }
        #expect(events(try parseAll(chunks)).first?.data.utf8.count == 1 << 20)
    }

    @Test func enforcesLineAndEventLimits() throws {
        var lineParser = SSEParser(limits: .init(maxLineBytes: 10, maxEventBytes: 100))
        _ = try lineParser.feed(Array("data: 12".utf8))
        #expect(throws: SSEParserError.lineTooLong(limit: 10)) { try lineParser.feed(Array("345".utf8)) }

        var eventParser = SSEParser(limits: .init(maxLineBytes: 100, maxEventBytes: 8))
        #expect(throws: SSEParserError.eventTooLarge(limit: 8)) {
            try eventParser.feed(Array("data: 1234\ndata: 5678\n".utf8))
        }
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let bytes: [UInt8] = Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8)
        #expect(events(try parseAll([bytes])) == [SSEEvent(data: "a\u{FFFD}b")])
    }
}

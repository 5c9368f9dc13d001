import Foundation
import MeerkatCore

/// Frames dialect events as SSE bytes and applies the torture options: keep-alives, multi-line data, unknown
/// events, BOM, line endings, chunking, delays, early cuts and in-band errors.
struct MockSSEEncoder {
    var options: MockStreamOptions
    var lineEnding: MockStreamOptions.LineEnding

    /// The plan for `events`; `inBandError` replaces the tail when the options ask for it, `junk` follows the
    /// terminal event when `eventsAfterTerminal` is set.
    func plan(
        _ events: [MockSSEEvent], inBandError: MockSSEEvent?, junk: [MockSSEEvent],
        headers: [(name: String, value: String)]
    ) -> MockResponsePlan {
        var selected = events
        var ending = MockResponsePlan.Ending.complete
        var partial: [UInt8] = []
        if let plan = options.inBandError, let inBandError {
            selected = Array(events.prefix(plan.afterEvents)) + [inBandError]
        } else if let cut = options.cut {
            switch cut {
            case .cleanEOF(let count):
                selected = Array(events.prefix(count))
            case .abruptClose(let count):
                selected = Array(events.prefix(count))
                ending = .abruptClose
            case .midEvent(let count):
                selected = Array(events.prefix(count))
                if count < events.count {
                    let bytes = encode(events[count], index: count)
                    partial = Array(bytes.prefix(max(1, bytes.count / 2)))
                }
                ending = .abruptClose
            case .reset(let count):
                selected = Array(events.prefix(count))
                ending = .reset
            case .stall(let count):
                selected = Array(events.prefix(count))
                ending = .stall
            case .keepAlivesOnly(let count, let interval):
                selected = Array(events.prefix(count))
                ending = .keepAlive(every: interval, comment: comment("ping"))
            }
        } else if options.eventsAfterTerminal {
            selected += junk
        }

        var writes: [[UInt8]] = selected.enumerated().map { encode($0.element, index: $0.offset) }
        if !partial.isEmpty { writes.append(partial) }
        if options.keepAlives {
            let lead = comment("ping") + comment("") + comment(String(repeating: "k", count: 4096))
            if writes.isEmpty { writes = [lead] } else { writes[0] = lead + writes[0] }
        }
        if options.byteOrderMark {
            if writes.isEmpty { writes = [[0xEF, 0xBB, 0xBF]] } else { writes[0] = [0xEF, 0xBB, 0xBF] + writes[0] }
        }
        writes = rechunk(writes)

        var segments: [MockResponsePlan.Segment] = []
        if let delay = options.firstEventDelay { segments.append(.pause(delay)) }
        for (index, write) in writes.enumerated() {
            if index > 0, let delay = options.chunkDelay { segments.append(.pause(delay)) }
            segments.append(.bytes(write))
        }
        return MockResponsePlan(
            status: 200, headers: headers, headerDelay: options.headerDelay, segments: segments, ending: ending)
    }

    private var separator: String { options.omitSpaceAfterColon ? ":" : ": " }

    private func line(_ text: String) -> String { text + lineEnding.rawValue }

    private func comment(_ text: String) -> [UInt8] {
        Array(line(text.isEmpty ? ":" : ": " + text).utf8)
    }

    /// One event's bytes, with the extras that precede it.
    private func encode(_ event: MockSSEEvent, index: Int) -> [UInt8] {
        var text = ""
        if options.keepAlives, index > 0 { text += line(": keep-alive") }
        if options.unknownEvents {
            text += line("event\(separator)mystery_event")
            text += line("data\(separator){\"type\":\"mystery_event\",\"unknown_field\":true}")
            text += line("")
            text += line("id\(separator)\(index)")
            text += line("x-unknown-field\(separator)ignored")
            if index == 0 { text += line("retry\(separator)3000") }
        }
        if let name = event.event { text += line("event\(separator)\(name)") }
        for dataLine in dataLines(event.data) { text += line("\(event.field)\(separator)\(dataLine)") }
        text += line("")
        return Array(text.utf8)
    }

    private func dataLines(_ data: String) -> [String] {
        guard options.multiLineData, let json = try? JSONValue.parse(data), json.objectValue != nil else {
            return [data]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let pretty = try? encoder.encode(json) else { return [data] }
        return String(decoding: pretty, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
    }

    private func rechunk(_ writes: [[UInt8]]) -> [[UInt8]] {
        switch options.chunking {
        case .perEvent:
            return writes
        case .coalesced:
            return [writes.flatMap { $0 }]
        case .fixed(let size):
            return split(writes.flatMap { $0 }) { _ in max(1, size) }
        case .random(let seed, let maxChunk):
            var generator = SeededRandom(seed: seed)
            return split(writes.flatMap { $0 }) { _ in Int(generator.next() % UInt64(max(1, maxChunk))) + 1 }
        }
    }

    private func split(_ bytes: [UInt8], size: (Int) -> Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size(start))
            chunks.append(Array(bytes[start..<end]))
            start = end
        }
        return chunks
    }
}

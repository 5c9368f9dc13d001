import Foundation

/// Which transcript rows the model sees after a compaction (AGENT.md §1.8).
///
/// The stored transcript stays append-only and complete: a compaction appends its summary row and records this
/// view, so the history remains readable from the first turn while the model sees only the rebuilt context. The
/// view is an ordered list of index ranges into `Session.messages`, followed by every row from `tailStart` on
/// (rows appended after the compaction). Rows outside the view are archived: kept, never sent.
public struct ActiveContext: Sendable, Hashable, Codable {
    /// Ranges of transcript indices, in the order the model sees them.
    public var segments: [Range<Int>]
    /// Every row at or after this index is in the context, after the segments.
    public var tailStart: Int

    private enum CodingKeys: String, CodingKey { case segments, tailStart = "tail_start" }
    private struct Segment: Codable, Hashable {
        var start: Int
        var end: Int
    }

    /// A view made of the given indices (in model order), then every row from `tailStart` on.
    public init(indices: [Int], tailStart: Int) {
        var segments: [Range<Int>] = []
        for index in indices {
            if let last = segments.last, last.upperBound == index {
                segments[segments.count - 1] = last.lowerBound..<(index + 1)
            } else {
                segments.append(index..<(index + 1))
            }
        }
        self.segments = segments
        self.tailStart = tailStart
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode([Segment].self, forKey: .segments)
        tailStart = try container.decode(Int.self, forKey: .tailStart)
        segments = []
        for segment in raw {
            guard segment.start >= 0, segment.start <= segment.end else {
                throw DecodingError.dataCorruptedError(
                    forKey: .segments, in: container,
                    debugDescription: "active_context segment \(segment.start)..<\(segment.end) is not a range")
            }
            segments.append(segment.start..<segment.end)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(segments.map { Segment(start: $0.lowerBound, end: $0.upperBound) }, forKey: .segments)
        try container.encode(tailStart, forKey: .tailStart)
    }

    /// The transcript indices of the context, in model order, for a transcript of `count` rows.
    public func indices(count: Int) -> [Int] {
        var result: [Int] = []
        for segment in segments {
            result.append(contentsOf: segment.clamped(to: 0..<max(0, count)))
        }
        if tailStart < count { result.append(contentsOf: max(0, tailStart)..<count) }
        return result
    }

    /// Why the view cannot describe a transcript of `count` rows, or nil when it can.
    public func problem(count: Int) -> String? {
        for segment in segments where segment.lowerBound < 0 || segment.upperBound > count {
            return "segment \(segment.lowerBound)..<\(segment.upperBound) is outside the \(count) transcript rows"
        }
        if tailStart < 0 || tailStart > count {
            return "tail_start \(tailStart) is outside the \(count) transcript rows"
        }
        return nil
    }
}

extension Session {
    /// Indices of the rows the model sees, in order (every row when the session was never compacted).
    public var contextIndices: [Int] {
        guard let activeContext else { return Array(messages.indices) }
        return activeContext.indices(count: messages.count)
    }

    /// The rows the model sees, in order.
    public var contextMessages: [Message] {
        guard let activeContext else { return messages }
        return activeContext.indices(count: messages.count).map { messages[$0] }
    }

    /// True when row `index` is outside the active context (kept in history only).
    public func isArchived(_ index: Int) -> Bool {
        guard let activeContext else { return false }
        if index >= activeContext.tailStart { return false }
        return !activeContext.segments.contains { $0.contains(index) }
    }
}

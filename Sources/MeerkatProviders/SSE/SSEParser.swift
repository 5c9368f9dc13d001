public import NIOCore

/// An incremental `text/event-stream` parser that works on raw bytes (PROVIDERS.md §0).
///
/// Bytes are buffered until a line terminator (`\n`, `\r\n` or a lone `\r`, including a `\r` at the end of one
/// chunk followed by `\n` at the start of the next) and only complete field values are decoded as UTF-8, so a
/// multi-byte character split across network chunks is never corrupted.
public struct SSEParser: Sendable {
    /// Bounds that keep a hostile or broken stream from growing memory without limit.
    public struct Limits: Sendable, Hashable {
        /// Longest line that may arrive without a terminator.
        public var maxLineBytes: Int
        /// Largest data buffer of one event.
        public var maxEventBytes: Int

        /// Creates limits (defaults fit multi-megabyte base64 payloads).
        public init(maxLineBytes: Int = 64 << 20, maxEventBytes: Int = 64 << 20) {
            self.maxLineBytes = maxLineBytes
            self.maxEventBytes = maxEventBytes
        }
    }

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D
    private static let colon: UInt8 = 0x3A
    private static let space: UInt8 = 0x20

    private let limits: Limits
    /// Most LLM servers end the body right after the last event; the WHATWG spec drops an event that is not
    /// followed by a blank line, but LLM clients conventionally process it. See `finish()`.
    private let dispatchesUnterminatedEvent: Bool
    /// The unterminated tail of the previous chunk.
    private var pendingLine: [UInt8] = []
    /// The current event's data buffer: each `data:` value followed by `\n`.
    private var dataBuffer: [UInt8] = []
    private var eventType: String?
    private var lastEventID: String?
    private var retry: Int?
    /// The previous chunk ended with `\r`: a `\n` opening the next chunk belongs to that terminator.
    private var skipLeadingLF = false
    /// A UTF-8 byte-order mark is only stripped from the very first line.
    private var atStreamStart = true

    /// Creates a parser.
    /// - Parameter dispatchesUnterminatedEvent: whether `finish()` dispatches an event that the stream ended
    ///   without a blank line after (default true, as most LLM clients do).
    public init(limits: Limits = Limits(), dispatchesUnterminatedEvent: Bool = true) {
        self.limits = limits
        self.dispatchesUnterminatedEvent = dispatchesUnterminatedEvent
    }

    /// Feeds one network chunk and returns the items it completed.
    public mutating func feed(_ bytes: [UInt8]) throws(SSEParserError) -> [SSEItem] {
        var items: [SSEItem] = []
        var failure: SSEParserError?
        bytes.withUnsafeBytes { raw in
            do throws(SSEParserError) { try parse(raw) { items.append($0) } } catch { failure = error }
        }
        if let failure { throw failure }
        return items
    }

    /// Feeds one network chunk and returns the items it completed.
    public mutating func feed(_ buffer: ByteBuffer) throws(SSEParserError) -> [SSEItem] {
        var items: [SSEItem] = []
        var failure: SSEParserError?
        buffer.withUnsafeReadableBytes { raw in
            do throws(SSEParserError) { try parse(raw) { items.append($0) } } catch { failure = error }
        }
        if let failure { throw failure }
        return items
    }

    /// Feeds one network chunk, handing each completed item to `emit` (no intermediate array).
    public mutating func parse(
        _ bytes: UnsafeRawBufferPointer, _ emit: (SSEItem) -> Void
    ) throws(SSEParserError) {
        let count = bytes.count
        var index = 0
        if skipLeadingLF, count > 0 {
            skipLeadingLF = false
            if bytes[0] == Self.lf { index = 1 }
        }
        var lineStart = index
        while index < count {
            let byte = bytes[index]
            guard byte == Self.lf || byte == Self.cr else {
                index += 1
                continue
            }
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index])
            if pendingLine.isEmpty {
                try processLine(line, emit)
            } else {
                try appendPending(line)
                try processPendingLine(emit)
            }
            if byte == Self.cr {
                if index + 1 < count {
                    if bytes[index + 1] == Self.lf { index += 1 }
                } else {
                    skipLeadingLF = true
                }
            }
            index += 1
            lineStart = index
        }
        if lineStart < count {
            try appendPending(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<count]))
        }
    }

    /// Signals the end of the body and returns what it completes: the last line if it had no terminator and,
    /// when `dispatchesUnterminatedEvent` is set, the event it belonged to.
    public mutating func finish() -> [SSEItem] {
        var items: [SSEItem] = []
        if !pendingLine.isEmpty {
            // Limits were enforced while the line grew; processing it cannot exceed them.
            try? processPendingLine { items.append($0) }
        }
        if dispatchesUnterminatedEvent {
            dispatch { items.append($0) }
        } else {
            dataBuffer.removeAll()
            eventType = nil
        }
        skipLeadingLF = false
        return items
    }

    private mutating func appendPending(_ bytes: UnsafeRawBufferPointer) throws(SSEParserError) {
        guard pendingLine.count + bytes.count <= limits.maxLineBytes else {
            throw .lineTooLong(limit: limits.maxLineBytes)
        }
        pendingLine.append(contentsOf: bytes)
    }

    private mutating func processPendingLine(_ emit: (SSEItem) -> Void) throws(SSEParserError) {
        // Swap the buffer out so `processLine` may mutate `self` while the bytes are borrowed.
        var line: [UInt8] = []
        swap(&line, &pendingLine)
        var failure: SSEParserError?
        line.withUnsafeBytes { raw in
            do throws(SSEParserError) { try processLine(raw, emit) } catch { failure = error }
        }
        line.removeAll(keepingCapacity: true)
        swap(&line, &pendingLine)
        if let failure { throw failure }
    }

    private mutating func processLine(
        _ rawLine: UnsafeRawBufferPointer, _ emit: (SSEItem) -> Void
    ) throws(SSEParserError) {
        var line = rawLine
        if atStreamStart {
            atStreamStart = false
            if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
                line = UnsafeRawBufferPointer(rebasing: line[3...])
            }
        }
        if line.isEmpty {
            dispatch(emit)
            return
        }
        if line[0] == Self.colon {
            emit(.comment(Self.decode(Self.valueAfterColon(line, colon: 0))))
            return
        }
        guard let colon = line.firstIndex(of: Self.colon) else {
            try handleField(
                UnsafeRawBufferPointer(rebasing: line[...]), value: UnsafeRawBufferPointer(start: nil, count: 0), emit)
            return
        }
        try handleField(
            UnsafeRawBufferPointer(rebasing: line[..<colon]), value: Self.valueAfterColon(line, colon: colon), emit)
    }

    private mutating func handleField(
        _ name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, _ emit: (SSEItem) -> Void
    ) throws(SSEParserError) {
        if name.elementsEqual("data".utf8) {
            guard dataBuffer.count + value.count + 1 <= limits.maxEventBytes else {
                throw .eventTooLarge(limit: limits.maxEventBytes)
            }
            dataBuffer.append(contentsOf: value)
            dataBuffer.append(Self.lf)
        } else if name.elementsEqual("event".utf8) {
            eventType = Self.decode(value)
        } else if name.elementsEqual("id".utf8) {
            // The spec ignores ids containing NUL.
            if !value.contains(0) { lastEventID = Self.decode(value) }
        } else if name.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let parsed = Int(Self.decode(value)) {
                retry = parsed
            }
        } else {
            emit(.unknownField(name: Self.decode(name), value: Self.decode(value)))
        }
    }

    private mutating func dispatch(_ emit: (SSEItem) -> Void) {
        defer {
            dataBuffer.removeAll(keepingCapacity: true)
            eventType = nil
        }
        guard !dataBuffer.isEmpty else { return }
        let data = String(decoding: dataBuffer[..<(dataBuffer.count - 1)], as: UTF8.self)
        emit(.event(SSEEvent(type: eventType, data: data, id: lastEventID, retry: retry)))
    }

    /// The bytes after `colon`, minus one optional leading space.
    private static func valueAfterColon(_ line: UnsafeRawBufferPointer, colon: Int) -> UnsafeRawBufferPointer {
        var start = colon + 1
        if start < line.count, line[start] == space { start += 1 }
        return UnsafeRawBufferPointer(rebasing: line[start...])
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

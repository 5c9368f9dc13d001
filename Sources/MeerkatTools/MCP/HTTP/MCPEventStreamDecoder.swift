/// Splits a `text/event-stream` body into the `data` of its message events (server-sent events format:
/// `data:` lines joined by newlines, dispatched at a blank line; events named other than `message` skipped).
struct MCPEventStreamDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var data: [String] = []
    private var eventName = ""

    /// Feeds bytes; returns the data of every event they complete.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [String] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var events: [String] = []
        while let newline = buffer.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            // A lone CR at the end may be the first half of CRLF: wait for more bytes.
            if buffer[newline] == UInt8(ascii: "\r"), newline == buffer.count - 1 { break }
            var next = newline + 1
            if buffer[newline] == UInt8(ascii: "\r"), buffer[next] == UInt8(ascii: "\n") { next += 1 }
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(next)
            if let event = process(line) { events.append(event) }
        }
        return events
    }

    /// Dispatches an event left unterminated at the end of the body.
    mutating func finish() -> [String] {
        var events: [String] = []
        if !buffer.isEmpty {
            let line = String(decoding: buffer, as: UTF8.self)
            buffer.removeAll()
            if let event = process(line) { events.append(event) }
        }
        if let event = process("") { events.append(event) }
        return events
    }

    private mutating func process(_ line: String) -> String? {
        if line.isEmpty {
            defer {
                data.removeAll()
                eventName = ""
            }
            guard !data.isEmpty, eventName.isEmpty || eventName == "message" else { return nil }
            return data.joined(separator: "\n")
        }
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": eventName = String(value)
        default: break
        }
        return nil
    }
}

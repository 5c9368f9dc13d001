/// A fully planned HTTP response: head, timed body writes and how the connection ends.
struct MockResponsePlan: Sendable {
    enum Segment: Sendable {
        case bytes([UInt8])
        case pause(Duration)
    }

    enum Ending: Sendable {
        /// Finish the body normally.
        case complete
        /// Close the connection without finishing the body.
        case abruptClose
        /// Abort the connection with a TCP reset.
        case reset
        /// Keep the connection open, silent, until the client leaves or the server stops.
        case stall
        /// Keep the connection open sending `comment` every `every`, until the client leaves or the server stops.
        case keepAlive(every: Duration, comment: [UInt8])
    }

    var status: Int
    var headers: [(name: String, value: String)]
    var headerDelay: Duration?
    var segments: [Segment]
    var ending: Ending = .complete

    /// A complete JSON (or other) body with a content length.
    static func body(
        status: Int, _ text: String, contentType: String = "application/json",
        headers extra: [(name: String, value: String)] = []
    ) -> MockResponsePlan {
        let bytes = Array(text.utf8)
        return MockResponsePlan(
            status: status,
            headers: [("content-type", contentType), ("content-length", "\(bytes.count)")] + extra,
            segments: bytes.isEmpty ? [] : [.bytes(bytes)])
    }

    /// The plan of a literal response.
    static func raw(_ raw: MockRawResponse) -> MockResponsePlan {
        var segments: [Segment] = []
        for (index, chunk) in raw.chunks.enumerated() {
            if index > 0, let delay = raw.chunkDelay { segments.append(.pause(delay)) }
            segments.append(.bytes(chunk))
        }
        return MockResponsePlan(
            status: raw.status, headers: raw.headers, segments: segments,
            ending: raw.closeAbruptly ? .abruptClose : .complete)
    }
}

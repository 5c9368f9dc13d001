/// What the mock does with one request. Scripts are queued and consumed one per request, in order.
public enum MockScript: Sendable {
    /// Stream a model turn in the request's dialect, shaped by `options`.
    case turn(MockTurn, MockStreamOptions = MockStreamOptions())
    /// Answer with an HTTP error in the request's dialect.
    case error(MockError)
    /// Send exactly these bytes (malformed payloads, non-stream JSON, anything the other cases cannot say).
    case raw(MockRawResponse)

    /// A plain text turn.
    public static func text(_ text: String, _ options: MockStreamOptions = MockStreamOptions()) -> MockScript {
        .turn(.text(text), options)
    }
}

/// A literal HTTP response.
public struct MockRawResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Response headers (no content length = chunked).
    public var headers: [(name: String, value: String)]
    /// Body writes in order (each flushed separately).
    public var chunks: [[UInt8]]
    /// Delay between writes.
    public var chunkDelay: Duration?
    /// Close without finishing the chunked body.
    public var closeAbruptly: Bool

    /// Creates a raw response.
    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [("content-type", "text/event-stream")],
        chunks: [[UInt8]], chunkDelay: Duration? = nil, closeAbruptly: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.chunkDelay = chunkDelay
        self.closeAbruptly = closeAbruptly
    }

    /// An SSE body given as text, one write per element.
    public static func sse(_ writes: [String], closeAbruptly: Bool = false) -> MockRawResponse {
        MockRawResponse(chunks: writes.map { Array($0.utf8) }, closeAbruptly: closeAbruptly)
    }

    /// A complete JSON body with a content length.
    public static func json(_ text: String, status: Int = 200) -> MockRawResponse {
        MockRawResponse(
            status: status, headers: [("content-type", "application/json"), ("content-length", "\(text.utf8.count)")],
            chunks: [Array(text.utf8)])
    }
}

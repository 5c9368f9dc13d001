/// One dispatched server-sent event (WHATWG `text/event-stream`).
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, or nil when the event had none (the spec's default type is `message`).
    public var type: String?
    /// The data buffer: every `data:` line of the event joined with `\n`.
    public var data: String
    /// The last `id:` seen on the stream so far, if any.
    public var id: String?
    /// The last valid `retry:` value seen on the stream (milliseconds), if any.
    public var retry: Int?

    /// Creates an event.
    public init(type: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.type = type
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// Why the SSE parser gave up on a stream.
public enum SSEParserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line grew beyond the configured limit without a line terminator.
    case lineTooLong(limit: Int)
    /// The data buffer of one event grew beyond the configured limit.
    case eventTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): "SSE line longer than \(limit) bytes"
        case .eventTooLarge(let limit): "SSE event data larger than \(limit) bytes"
        }
    }
}

public import MeerkatCore

/// One lifecycle event of an asynchronous operation, carried by an `operation` input; JSON tag `event_type`.
///
/// Operation inputs are consumed on accept (RUNTIME.md §4.2); they record the fact and never start a run.
public enum OpEvent: Sendable, Hashable, Codable {
    /// The operation started.
    case started
    /// Intermediate progress: an optional human message and a completed fraction in 0...1.
    case progress(message: String? = nil, fraction: Double? = nil)
    /// The operation finished, with an optional result document.
    case completed(result: JSONValue? = nil)
    /// The operation failed.
    case failed(error: String)
    /// The operation was cancelled.
    case cancelled

    private enum CodingKeys: String, CodingKey { case eventType = "event_type", message, fraction, result, error }

    /// The wire tag of this event.
    public var tag: String {
        switch self {
        case .started: "started"
        case .progress: "progress"
        case .completed: "completed"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    /// True for the events that end an operation (`completed`, `failed`, `cancelled`).
    public var isTerminal: Bool {
        switch self {
        case .started, .progress: false
        case .completed, .failed, .cancelled: true
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .eventType) {
        case "started": self = .started
        case "progress":
            self = .progress(
                message: try container.decodeIfPresent(String.self, forKey: .message),
                fraction: try container.decodeIfPresent(Double.self, forKey: .fraction))
        case "completed": self = .completed(result: try container.decodeIfPresent(JSONValue.self, forKey: .result))
        case "failed": self = .failed(error: try container.decode(String.self, forKey: .error))
        case "cancelled": self = .cancelled
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "event_type", expected: ["started", "progress", "completed", "failed", "cancelled"],
                in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tag, forKey: .eventType)
        switch self {
        case .started, .cancelled: break
        case .progress(let message, let fraction):
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(fraction, forKey: .fraction)
        case .completed(let result):
            try container.encodeIfPresent(result, forKey: .result)
        case .failed(let error):
            try container.encode(error, forKey: .error)
        }
    }
}

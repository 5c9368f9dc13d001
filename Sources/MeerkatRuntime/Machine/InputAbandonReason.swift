import MeerkatCore

/// Why an input was abandoned (RUNTIME.md §5.3).
///
/// Unit reasons encode as a bare string (`"retired"`); `max_attempts_exhausted` as
/// `{"max_attempts_exhausted":{"attempts":3}}`.
public enum InputAbandonReason: Sendable, Hashable, Codable, CustomStringConvertible {
    case retired
    case reset
    case stopped
    case destroyed
    case cancelled
    /// The staging retry budget ran out.
    case maxAttemptsExhausted(attempts: Int)
    /// Staged for a run whose executor never began and whose fate is unobservable; terminalised instead of
    /// requeued to avoid double execution (distinct from `cancelled`).
    case neverExecuted

    private enum CodingKeys: String, CodingKey { case maxAttemptsExhausted = "max_attempts_exhausted" }
    private enum AttemptsKeys: String, CodingKey { case attempts }

    /// The reason's name.
    public var code: String {
        switch self {
        case .retired: "retired"
        case .reset: "reset"
        case .stopped: "stopped"
        case .destroyed: "destroyed"
        case .cancelled: "cancelled"
        case .maxAttemptsExhausted: "max_attempts_exhausted"
        case .neverExecuted: "never_executed"
        }
    }

    public var description: String {
        if case .maxAttemptsExhausted(let attempts) = self { return "max_attempts_exhausted(attempts: \(attempts))" }
        return code
    }

    public init(from decoder: any Decoder) throws {
        // Safe: decoding only — the reason is either a bare code string or the keyed form below, tried in turn.
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            switch text {
            case "retired": self = .retired
            case "reset": self = .reset
            case "stopped": self = .stopped
            case "destroyed": self = .destroyed
            case "cancelled": self = .cancelled
            case "never_executed": self = .neverExecuted
            default:
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "unknown abandon reason '\(text)'; expected one of: retired, reset, "
                            + "stopped, destroyed, cancelled, never_executed, {max_attempts_exhausted}"))
            }
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let attempts = try container.nestedContainer(keyedBy: AttemptsKeys.self, forKey: .maxAttemptsExhausted)
        self = .maxAttemptsExhausted(attempts: try attempts.decode(Int.self, forKey: .attempts))
    }

    public func encode(to encoder: any Encoder) throws {
        if case .maxAttemptsExhausted(let attempts) = self {
            var container = encoder.container(keyedBy: CodingKeys.self)
            var nested = container.nestedContainer(keyedBy: AttemptsKeys.self, forKey: .maxAttemptsExhausted)
            try nested.encode(attempts, forKey: .attempts)
        } else {
            var single = encoder.singleValueContainer()
            try single.encode(code)
        }
    }
}

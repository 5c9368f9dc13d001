import Foundation
public import MeerkatCore
public import MeerkatRuntime

/// A session-service failure with a message that says what to do.
public enum ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    case sessionNotFound(String)
    case ambiguousSessionPrefix(prefix: String, matches: [SessionID])
    case invalidRequest(field: String, message: String)
    /// A model no catalog row or self-hosted alias names, with the nearest known names.
    case unknownModel(String, nearest: [String] = [])
    case missingCredentials(provider: String, variables: [String])
    case runtime(RuntimeDriverError)
    case store(String)
    case config(ConfigError)
    case agent(AgentError)
    /// The session already holds `limit` inputs that are not finished; retry after `retryAfterSeconds`.
    case queueFull(session: SessionID, limit: Int, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .sessionNotFound(let selector): "no session matches '\(selector)'"
        case .ambiguousSessionPrefix(let prefix, let matches):
            "session prefix '\(prefix)' matches \(matches.count) sessions (\(matches.prefix(3).map(\.description).joined(separator: ", "))…); use more characters"
        case .invalidRequest(let field, let message): "\(field): \(message)"
        case .unknownModel(let model, let nearest):
            nearest.isEmpty
                ? "unknown model '\(model)' (run `skat models` to list the catalog)"
                : "unknown model '\(model)'; nearest: \(nearest.joined(separator: ", ")) (run `skat models` for all)"
        case .missingCredentials(let provider, let variables):
            "no API key for \(provider): set \(variables.joined(separator: " or "))"
        case .runtime(let error): "\(error)"
        case .store(let message): "session store: \(message)"
        case .config(let error): "\(error)"
        case .agent(let error): "\(error)"
        case .queueFull(let session, let limit, _):
            "session \(session) already has \(limit) unfinished inputs; retry later"
        }
    }
}

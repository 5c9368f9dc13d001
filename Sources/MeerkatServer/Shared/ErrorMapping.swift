import Foundation
public import MeerkatService

/// Maps service and runtime failures to `APIError`s (status + stable code), the one table every surface uses.
public enum ErrorMapping {
    /// The API error for any error a handler threw.
    public static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case let error as ServiceError: apiError(error)
        case let error as RuntimeDriverError: apiError(error)
        default: APIError(status: 500, code: "internal", message: "internal error")
        }
    }

    public static func apiError(_ error: ServiceError) -> APIError {
        switch error {
        case .sessionNotFound(let selector):
            APIError(status: 404, code: "session_not_found", message: "no session matches '\(selector)'")
        case .ambiguousSessionPrefix:
            APIError(status: 409, code: "ambiguous_session", message: error.description)
        case .invalidRequest(let field, let message):
            APIError(status: 422, code: "invalid_request", message: message, field: field)
        case .unknownModel:
            APIError(status: 422, code: "unknown_model", message: error.description, field: "intent.model")
        case .missingCredentials(let provider, _):
            // The variable names are configuration, not secrets; the key itself is never known here.
            APIError(status: 503, code: "missing_credentials", message: "no API key configured for \(provider)")
        case .runtime(let inner): apiError(inner)
        case .store(let message):
            APIError(status: 500, code: "store_error", message: "session store failure: \(message)")
        case .config(let inner): APIError(status: 500, code: "config_error", message: inner.description)
        case .agent(let inner): APIError(status: 502, code: "agent_error", message: inner.description)
        case .queueFull(_, _, let retryAfter):
            APIError(
                status: 429, code: "queue_full", message: error.description, retryAfterSeconds: retryAfter)
        }
    }

    public static func apiError(_ error: RuntimeDriverError) -> APIError {
        switch error {
        case .notFound:
            return APIError(status: 404, code: "not_found", message: error.description)
        case .validationFailed(let reason):
            return APIError(status: 422, code: "validation_failed", message: reason, field: "input")
        case .notReady, .destroyed, .staleAuthority:
            return APIError(status: 409, code: error.code, message: error.description)
        case .internal(let message) where message.contains("not supported") || message.contains("not implemented"):
            return APIError(status: 501, code: "not_supported", message: message)
        case .interruptDispatchOutcomeUnknown, .interruptDispatchPanicked:
            return APIError(status: 502, code: error.code, message: error.description)
        default:
            if error.isRetryable {
                return APIError(status: 503, code: error.code, message: error.description, retryAfterSeconds: 1)
            }
            return APIError(status: 500, code: error.code, message: error.description)
        }
    }
}

import MeerkatService

/// Maps service and runtime failures onto RPC errors (the REST surface has its own mapping onto HTTP statuses).
enum RPCErrorMapping {
    static func error(_ error: ServiceError) -> RPCError {
        switch error {
        case .sessionNotFound(let selector):
            RPCError(.sessionNotFound, "no session matches '\(selector)'", field: "session_id")
        case .ambiguousSessionPrefix:
            RPCError(.invalidParams, error.description, field: "session_id")
        case .invalidRequest(let field, let message):
            RPCError(.invalidParams, "\(field): \(message)", field: field)
        case .unknownModel:
            RPCError(.invalidParams, error.description, field: "intent.model")
        case .missingCredentials, .config:
            RPCError(.configuration, error.description)
        case .runtime(let inner): Self.error(inner)
        case .store: RPCError(.storeFailure, error.description)
        case .agent: RPCError(.providerFailure, error.description)
        case .queueFull: RPCError(.queueFull, error.description, field: "session_id")
        }
    }

    static func error(_ error: RuntimeDriverError) -> RPCError {
        switch error {
        case .notReady, .destroyed: RPCError(.runtimeNotReady, error.description)
        case .notFound: RPCError(.sessionNotFound, error.description, field: "session_id")
        case .validationFailed: RPCError(.inputRejected, error.description)
        case .unregisterInProgress, .runtimeStopInProgress, .unregisterFinalizationOutcomeUnknown,
            .runtimeTerminalPublicationInProgress, .staleAuthority, .recoveryBackoff:
            RPCError(.conflict, error.description)
        case .internal(let message) where message.contains("not supported") || message.contains("not implemented"):
            RPCError(.notSupported, message)
        default: RPCError(.internalError, error.description)
        }
    }
}

public import MeerkatService

/// A JSON-RPC error object: a numeric code from `RPCErrorCode`, a message, and `data` carrying the symbolic
/// `code` and, for bad parameters, the `field` at fault.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: RPCErrorCode
    public var message: String
    /// The parameter at fault (a dotted path such as `input.content`), when one is.
    public var field: String?

    public init(_ code: RPCErrorCode, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code.rawValue) \(code.name): \(message)" }

    /// The wire object `{code, message, data: {code, field?}}`.
    public var json: JSONValue {
        var data: [String: JSONValue] = ["code": .string(code.name)]
        if let field { data["field"] = .string(field) }
        return ["code": .number(Double(code.rawValue)), "message": .string(message), "data": .object(data)]
    }

    static func invalidParams(_ field: String, _ rule: String) -> RPCError {
        RPCError(.invalidParams, "\(field): \(rule)", field: field)
    }
}

/// Every error code the JSON-RPC and MCP servers answer with (documented in docs/rpc.md): the five standard codes
/// and the application codes in -32000...-32099.
public enum RPCErrorCode: Int, Sendable, Hashable, CaseIterable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case sessionNotFound = -32001
    case inputNotFound = -32002
    case unauthorized = -32003
    case lineTooLong = -32004
    case runtimeNotReady = -32005
    case inputRejected = -32006
    case conflict = -32007
    case configuration = -32008
    case storeFailure = -32009
    case notSupported = -32010
    case subscriptionNotFound = -32011
    case providerFailure = -32012
    case queueFull = -32013

    /// The symbolic name carried in `error.data.code`.
    public var name: String {
        switch self {
        case .parseError: "parse_error"
        case .invalidRequest: "invalid_request"
        case .methodNotFound: "method_not_found"
        case .invalidParams: "invalid_params"
        case .internalError: "internal_error"
        case .sessionNotFound: "session_not_found"
        case .inputNotFound: "input_not_found"
        case .unauthorized: "unauthorized"
        case .lineTooLong: "line_too_long"
        case .runtimeNotReady: "runtime_not_ready"
        case .inputRejected: "input_rejected"
        case .conflict: "conflict"
        case .configuration: "configuration"
        case .storeFailure: "store_failure"
        case .notSupported: "not_supported"
        case .subscriptionNotFound: "subscription_not_found"
        case .providerFailure: "provider_failure"
        case .queueFull: "queue_full"
        }
    }
}

import MeerkatCore

/// The fields of a provider error body that classification needs, read from every shape the providers use:
/// Anthropic `{"type":"error","error":{type,message}}`, OpenAI/Ollama/vLLM `{"error":{message,type,code}}`,
/// vLLM `{"error":"Unauthorized"}` and `{"object":"error",...}`, llama.cpp `{code,message,type}`, Gemini
/// `{"error":{code,message,status,details}}`, and OpenAI Responses' bare `error` event.
struct ProviderErrorPayload: Sendable, Hashable {
    /// Lower-cased machine-readable tokens: `type`, `code`, `status`, and `reason`/`error_code` from details.
    var tokens: Set<String> = []
    /// A numeric code inside the body (Gemini/vLLM/llama.cpp put the HTTP status there).
    var numericCode: Int?
    /// The human-readable message.
    var message: String?
    /// Gemini `RetryInfo.retryDelay`.
    var retryDelay: Duration?
    /// Gemini `QuotaFailure` quota ids.
    var quotaIDs: [String] = []

    /// Reads a decoded JSON body; nil when it has no recognisable error.
    init?(json: JSONValue) {
        guard case .object(let root) = json else { return nil }
        if let error = root["error"] {
            switch error {
            case .object(let fields):
                read(fields)
                if let message = root["message"]?.stringValue, self.message == nil { self.message = message }
            case .string(let text):
                message = text
            default:
                return nil
            }
            if let type = root["type"]?.stringValue, type != "error" { tokens.insert(type.lowercased()) }
        } else if root["object"]?.stringValue == "error" || root["type"]?.stringValue == "error"
            || (root["message"] != nil && (root["code"] != nil || root["type"] != nil))
        {
            read(root)
            tokens.remove("error")
        } else {
            return nil
        }
    }

    private mutating func read(_ fields: [String: JSONValue]) {
        for key in ["type", "status"] {
            if let value = fields[key]?.stringValue { tokens.insert(value.lowercased()) }
        }
        switch fields["code"] {
        case .string(let code)?:
            tokens.insert(code.lowercased())
            if let number = Int(code) { numericCode = number }
        case .number(let number)?:
            numericCode = Int(number)
        default:
            break
        }
        if let message = fields["message"]?.stringValue { self.message = message }
        if case .object(let details)? = fields["details"] {
            collectDetail(details)
        }
        for detail in fields["details"]?.arrayValue ?? [] {
            if case .object(let object) = detail { collectDetail(object) }
        }
    }

    private mutating func collectDetail(_ detail: [String: JSONValue]) {
        for key in ["reason", "error_code"] {
            if let value = detail[key]?.stringValue { tokens.insert(value.lowercased()) }
        }
        if let delay = detail["retryDelay"]?.stringValue { retryDelay = RetryHint.protobufDuration(delay) }
        for violation in detail["violations"]?.arrayValue ?? [] {
            if let quotaID = violation["quotaId"]?.stringValue { quotaIDs.append(quotaID) }
        }
    }
}

import Foundation
import MeerkatCore

/// The responses of the mock's image endpoints, in each provider's own body shapes.
enum MockImageDialect {
    /// A valid 1×1 PNG, base64: what every successful mock image contains.
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

    /// Checks the key the way the provider does; nil when the request may proceed.
    static func authFailure(
        _ endpoint: MockImageEndpoint, _ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration
    ) -> MockResponsePlan? {
        guard configuration.requireAuth else { return nil }
        switch endpoint {
        case .openAIImages:
            let header = request.header("authorization") ?? ""
            let key = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
            if configuration.accepts(key) { return nil }
            return .body(
                status: 401,
                #"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
            )
        case .geminiGenerateContent:
            let key = request.header("x-goog-api-key") ?? request.query["key"] ?? ""
            if configuration.accepts(key) { return nil }
            return .body(
                status: 400,
                #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"#
            )
        }
    }

    /// The prompt of a request body (OpenAI `prompt`, Gemini text parts of the last content).
    static func prompt(_ endpoint: MockImageEndpoint, body: JSONValue?) -> String? {
        switch endpoint {
        case .openAIImages:
            return body?["prompt"]?.stringValue
        case .geminiGenerateContent:
            let parts = body?["contents"]?.arrayValue?.last?["parts"]?.arrayValue ?? []
            let texts = parts.compactMap { $0["text"]?.stringValue }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        }
    }

    /// A 400 for a body the provider would reject; nil when it is acceptable.
    static func invalidBody(_ endpoint: MockImageEndpoint, body: JSONValue?) -> MockResponsePlan? {
        switch endpoint {
        case .openAIImages:
            guard body?["model"]?.stringValue != nil else {
                return openAIError(400, "you must provide a model parameter", code: nil)
            }
            guard let prompt = body?["prompt"]?.stringValue, !prompt.isEmpty else {
                return openAIError(400, "prompt: a non-empty prompt is required", code: nil)
            }
            return nil
        case .geminiGenerateContent:
            guard prompt(endpoint, body: body) != nil else {
                return geminiError(400, "contents is not specified", status: "INVALID_ARGUMENT")
            }
            let modalities = body?["generationConfig"]?["responseModalities"]?.arrayValue ?? []
            guard modalities.contains(where: { $0.stringValue?.uppercased() == "IMAGE" }) else {
                return geminiError(
                    400, "image models need generationConfig.responseModalities to include IMAGE",
                    status: "INVALID_ARGUMENT")
            }
            return nil
        }
    }

    /// The response for `behaviour`.
    static func plan(
        _ behaviour: MockImageBehaviour, endpoint: MockImageEndpoint, model: String, body: JSONValue?, serial: Int
    ) -> MockResponsePlan {
        switch (endpoint, behaviour) {
        case (.openAIImages, .success):
            let count = max(1, min(10, body?["n"]?.intValue ?? 1))
            let data = Array(repeating: #"{"b64_json":"\#(pngBase64)"}"#, count: count).joined(separator: ",")
            return .body(
                status: 200,
                #"{"created":\#(1_700_000_000 + serial),"data":[\#(data)],"usage":{"input_tokens":12,"output_tokens":272,"total_tokens":284}}"#
            )
        case (.openAIImages, .refusal):
            return openAIError(400, "The model declined to generate this image.", code: "image_generation_refused")
        case (.openAIImages, .safetyFilter), (.openAIImages, .promptBlocked):
            return openAIError(
                400,
                "Your request was rejected as a result of our safety system. Your request may contain content that is not allowed by our safety system.",
                code: "moderation_blocked")
        case (.openAIImages, .timeout(let status)):
            return MockResponsePlan.body(
                status: status,
                #"{"error":{"message":"Request timed out.","type":"server_error","param":null,"code":"timeout"}}"#)
        case (.openAIImages, .emptyResult):
            return .body(status: 200, #"{"created":\#(1_700_000_000 + serial),"data":[]}"#)
        case (.geminiGenerateContent, .success):
            return geminiCandidate(
                model: model,
                parts: #"{"text":"Here is the image."},{"inlineData":{"mimeType":"image/png","data":"\#(pngBase64)"}}"#,
                finish: "STOP")
        case (.geminiGenerateContent, .refusal):
            return geminiCandidate(
                model: model, parts: #"{"text":"I can't create that image."}"#, finish: "NO_IMAGE")
        case (.geminiGenerateContent, .safetyFilter):
            return geminiCandidate(model: model, parts: nil, finish: "IMAGE_SAFETY")
        case (.geminiGenerateContent, .promptBlocked):
            return .body(
                status: 200,
                #"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"\#(model)"}"#
            )
        case (.geminiGenerateContent, .timeout(let status)):
            return geminiError(status, "Deadline expired before operation could complete.", status: "DEADLINE_EXCEEDED")
        case (.geminiGenerateContent, .emptyResult(let text)):
            let parts = text.map { #"{"text":\#(JSONValue.string($0).compactText())}"# }
            return geminiCandidate(model: model, parts: parts, finish: "STOP")
        case (_, .stall):
            // No head at all (the provider never answers), so the client's request deadline is what ends it.
            return MockResponsePlan(
                status: 200, headers: [("content-type", "application/json")], headerDelay: .seconds(3600),
                segments: [], ending: .stall)
        }
    }

    private static func openAIError(_ status: Int, _ message: String, code: String?) -> MockResponsePlan {
        let codeText = code.map { "\"\($0)\"" } ?? "null"
        let type = status == 400 ? "image_generation_user_error" : "invalid_request_error"
        return .body(
            status: status,
            #"{"error":{"message":\#(JSONValue.string(message).compactText()),"type":"\#(type)","param":null,"code":\#(codeText)}}"#
        )
    }

    private static func geminiError(_ code: Int, _ message: String, status: String) -> MockResponsePlan {
        .body(
            status: code,
            #"{"error":{"code":\#(code),"message":\#(JSONValue.string(message).compactText()),"status":"\#(status)"}}"#)
    }

    private static func geminiCandidate(model: String, parts: String?, finish: String) -> MockResponsePlan {
        let content = parts.map { #","content":{"role":"model","parts":[\#($0)]}"# } ?? ""
        return .body(
            status: 200,
            #"{"candidates":[{"index":0,"finishReason":"\#(finish)"\#(content)}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":1290,"totalTokenCount":1299},"modelVersion":"\#(model)"}"#
        )
    }
}

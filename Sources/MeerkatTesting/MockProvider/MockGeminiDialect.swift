import Foundation
import MeerkatCore

/// The Gemini `streamGenerateContent?alt=sse` dialect of the mock (PROVIDERS.md §4).
enum MockGeminiDialect {
    static func render(_ turn: MockTurn, _ context: MockRenderContext) -> [MockSSEEvent] {
        let options = context.options
        let usage = turn.usage
        var usageJSON: [String: JSONValue] = [
            "promptTokenCount": .number(Double(usage.input + usage.cacheRead)),
            "candidatesTokenCount": .number(Double(usage.output - usage.reasoning)),
            "totalTokenCount": .number(Double(usage.input + usage.cacheRead + usage.output)),
        ]
        if usage.cacheRead > 0 { usageJSON["cachedContentTokenCount"] = .number(Double(usage.cacheRead)) }
        if usage.reasoning > 0 { usageJSON["thoughtsTokenCount"] = .number(Double(usage.reasoning)) }

        // Each chunk is a list of parts; calls come whole, all in one chunk unless split is requested.
        var chunks: [[JSONValue]] = []
        var callParts: [JSONValue] = []
        for item in turn.items {
            switch item {
            case .text(let text):
                chunks += MockRenderContext.pieces(text).map { [["text": .string($0)]] }
            case .reasoning(let text, let signature):
                let pieces = MockRenderContext.pieces(text)
                for (index, piece) in pieces.enumerated() {
                    var part: [String: JSONValue] = ["text": .string(piece), "thought": true]
                    if index == pieces.count - 1, let signature { part["thoughtSignature"] = .string(signature) }
                    chunks.append([.object(part)])
                }
            case .toolCall(let id, let name, let arguments, let signature):
                var call: [String: JSONValue] = [
                    "name": .string(name), "args": MockRenderContext.argumentsObject(arguments),
                ]
                if options.geminiCallIDs { call["id"] = .string(id) }
                var part: [String: JSONValue] = ["functionCall": .object(call)]
                if let signature { part["thoughtSignature"] = .string(signature) }
                if options.geminiSplitCallsAcrossChunks {
                    chunks.append([.object(part)])
                } else {
                    callParts.append(.object(part))
                }
            }
        }
        if !callParts.isEmpty { chunks.append(callParts) }
        if chunks.isEmpty { chunks = [[["text": ""]]] }
        let finish: String =
            switch turn.effectiveStop {
            case .endTurn, .toolUse, .stopSequence: "STOP"
            case .maxTokens: "MAX_TOKENS"
            case .contentFilter: "SAFETY"
            }
        return chunks.enumerated().map { index, parts in
            var candidate: [String: JSONValue] = ["content": ["parts": .array(parts), "role": "model"], "index": 0]
            if index == chunks.count - 1, !options.geminiOmitFinishReason {
                candidate["finishReason"] = .string(finish)
            }
            return .json([
                "candidates": [.object(candidate)], "usageMetadata": .object(usageJSON),
                "modelVersion": .string(context.model), "responseId": .string("mock\(context.serial)"),
            ])
        }
    }

    static func inBandError(_ style: MockStreamOptions.InBandErrorStyle) -> MockSSEEvent {
        .json(["error": ["code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"]])
    }

    static func junk() -> [MockSSEEvent] {
        [.json(["candidates": [["content": ["parts": [["text": "JUNK"]], "role": "model"], "index": 0]]])]
    }

    static func errorPlan(_ error: MockError) -> MockResponsePlan {
        func body(
            _ code: Int, _ status: String, _ message: String, details: [JSONValue] = [],
            headers: [(name: String, value: String)] = []
        ) -> MockResponsePlan {
            var inner: [String: JSONValue] = [
                "code": .number(Double(code)), "message": .string(message), "status": .string(status),
            ]
            if !details.isEmpty { inner["details"] = .array(details) }
            return .body(status: code, JSONValue.object(["error": .object(inner)]).compactText(), headers: headers)
        }
        func quota(_ quotaID: String) -> JSONValue {
            [
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    [
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": .string(quotaID), "quotaValue": "10",
                    ]
                ],
            ]
        }
        func retryInfo(_ delay: String) -> JSONValue {
            ["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string(delay)]
        }
        switch error {
        case .rateLimited(let hint, let shouldRetry):
            var details = [quota("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")]
            var headers = MockErrorHeaders.retry(hint, shouldRetry: shouldRetry)
            if case .seconds(let seconds) = hint {
                // Gemini carries the delay in the body, not in a header.
                details.append(retryInfo("\(seconds)s"))
                headers.removeAll { $0.name == "retry-after" }
            }
            return body(
                429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", details: details, headers: headers)
        case .quotaExhausted:
            return body(
                429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
                details: [quota("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), retryInfo("3600s")])
        case .overloaded:
            return body(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        case .server(let status):
            let name = status == 504 ? "DEADLINE_EXCEEDED" : status == 503 ? "UNAVAILABLE" : "INTERNAL"
            return body(status, name, "An internal error has occurred.")
        case .badGatewayHTML:
            return MockErrorHeaders.htmlBadGateway
        case .contextLengthExceeded:
            return body(
                400, "INVALID_ARGUMENT",
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")
        case .unknownModel:
            return body(404, "NOT_FOUND", "models/no-such-model is not found for API version v1beta.")
        case .unauthorized:
            return body(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                details: [
                    [
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    ]
                ])
        case .requestTooLarge:
            return body(413, "INVALID_ARGUMENT", "Request payload size exceeds the limit.")
        case .invalidRequest(let message):
            return body(400, "INVALID_ARGUMENT", message)
        case .emptyBody(let status):
            return .body(status: status, "")
        }
    }

    static func validate(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        guard request.query["alt"] == "sse" else {
            throw invalid("the mock only serves streamGenerateContent with alt=sse")
        }
        if configuration.requireAuth {
            guard let key = request.header("x-goog-api-key") ?? request.query["key"] else {
                throw MockValidationFailure(
                    plan: .body(
                        status: 403,
                        #"{"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}}"#
                    ))
            }
            guard configuration.accepts(key) else { throw MockValidationFailure(plan: errorPlan(.unauthorized)) }
        }
        guard let body = request.json?.objectValue else { throw invalid("Invalid JSON payload received.") }
        guard let contents = body["contents"]?.arrayValue, !contents.isEmpty else {
            throw invalid("* GenerateContentRequest.contents: contents is not specified")
        }
        var pendingCalls: [String] = []
        for (index, content) in contents.enumerated() {
            let role = content["role"]?.stringValue ?? "user"
            guard role == "user" || role == "model" else {
                throw invalid("Please use a valid role: user, model.")
            }
            let parts = content["parts"]?.arrayValue ?? []
            let responses = parts.compactMap { $0["functionResponse"] }
            if !pendingCalls.isEmpty || !responses.isEmpty {
                let names = responses.compactMap { $0["name"]?.stringValue }
                guard role == "user", names == pendingCalls else {
                    throw invalid(
                        "Please ensure that the number of function response parts is equal to the number of function call "
                            + "parts of the function call turn.")
                }
                if responses.contains(where: { $0["response"]?.objectValue == nil }) {
                    throw invalid(
                        "* GenerateContentRequest.contents[\(index)].parts: functionResponse.response must be an object"
                    )
                }
                if parts.contains(where: { $0["functionResponse"] != nil && $0["thoughtSignature"] != nil }) {
                    throw invalid("Thought signature is not allowed on a function response part.")
                }
            }
            pendingCalls = []
            if role == "model" {
                let calls = parts.filter { $0["functionCall"] != nil }
                pendingCalls = calls.compactMap { $0["functionCall"]?["name"]?.stringValue }
                if configuration.geminiRequiresThoughtSignatures, let first = calls.first,
                    first["thoughtSignature"] == nil
                {
                    throw invalid(
                        "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly."
                    )
                }
            }
        }
    }

    static func conversation(_ body: JSONValue) -> MockConversationView {
        guard let last = body["contents"]?.arrayValue?.last, (last["role"]?.stringValue ?? "user") == "user" else {
            return MockConversationView()
        }
        let parts = last["parts"]?.arrayValue ?? []
        let results = parts.compactMap { $0["functionResponse"]?["response"] }.map { response -> String in
            response["result"]?.stringValue ?? response["error"]?.stringValue ?? response.compactText()
        }
        if !results.isEmpty { return MockConversationView(toolResults: results) }
        return MockConversationView(lastUserText: parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n"))
    }

    private static func invalid(_ message: String) -> MockValidationFailure {
        MockValidationFailure(plan: errorPlan(.invalidRequest(message)))
    }
}

import Foundation
import MeerkatCore

/// The Anthropic Messages dialect of the mock (PROVIDERS.md §1).
enum MockAnthropicDialect {
    static func render(_ turn: MockTurn, _ context: MockRenderContext) -> [MockSSEEvent] {
        var events: [MockSSEEvent] = []
        func emit(_ type: String, _ fields: [String: JSONValue]) {
            var payload = fields
            payload["type"] = .string(type)
            events.append(.json(.object(payload), event: type))
        }
        let usage = turn.usage
        emit(
            "message_start",
            [
                "message": [
                    "id": .string("msg_mock_\(context.serial)"), "type": "message", "role": "assistant",
                    "model": .string(context.model), "content": [], "stop_reason": nil, "stop_sequence": nil,
                    "usage": [
                        "input_tokens": .number(Double(usage.input)),
                        "cache_creation_input_tokens": .number(Double(usage.cacheWrite)),
                        "cache_read_input_tokens": .number(Double(usage.cacheRead)), "output_tokens": 1,
                    ],
                ]
            ])
        for (index, item) in turn.items.enumerated() {
            let position = JSONValue.number(Double(index))
            switch item {
            case .text(let text):
                emit("content_block_start", ["index": position, "content_block": ["type": "text", "text": ""]])
                for piece in MockRenderContext.pieces(text) {
                    emit(
                        "content_block_delta",
                        ["index": position, "delta": ["type": "text_delta", "text": .string(piece)]])
                }
            case .reasoning(let text, let signature):
                emit(
                    "content_block_start",
                    ["index": position, "content_block": ["type": "thinking", "thinking": "", "signature": ""]])
                for piece in MockRenderContext.pieces(text) {
                    emit(
                        "content_block_delta",
                        ["index": position, "delta": ["type": "thinking_delta", "thinking": .string(piece)]])
                }
                emit(
                    "content_block_delta",
                    [
                        "index": position,
                        "delta": [
                            "type": "signature_delta", "signature": .string(signature ?? "sig_\(context.serial)"),
                        ],
                    ])
            case .toolCall(let id, let name, let arguments, _):
                emit(
                    "content_block_start",
                    [
                        "index": position,
                        "content_block": ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]],
                    ])
                // The first input_json_delta is usually empty on the real API.
                for piece in [""] + MockRenderContext.pieces(arguments, count: 2) {
                    emit(
                        "content_block_delta",
                        ["index": position, "delta": ["type": "input_json_delta", "partial_json": .string(piece)]])
                }
            }
            if index == 0 { emit("ping", [:]) }
            emit("content_block_stop", ["index": position])
        }
        let stop: String =
            switch turn.effectiveStop {
            case .endTurn: "end_turn"
            case .toolUse: "tool_use"
            case .maxTokens: "max_tokens"
            case .stopSequence: "stop_sequence"
            case .contentFilter: "refusal"
            }
        emit(
            "message_delta",
            [
                "delta": ["stop_reason": .string(stop), "stop_sequence": nil],
                "usage": [
                    "input_tokens": .number(Double(usage.input)), "output_tokens": .number(Double(usage.output)),
                    "cache_creation_input_tokens": .number(Double(usage.cacheWrite)),
                    "cache_read_input_tokens": .number(Double(usage.cacheRead)),
                ],
            ])
        // Recorded traffic pads the JSON with spaces before the closing brace.
        events.append(MockSSEEvent(event: "message_stop", data: "{\"type\":\"message_stop\"      }"))
        return events
    }

    static func inBandError(_ style: MockStreamOptions.InBandErrorStyle) -> MockSSEEvent {
        .json(["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]], event: "error")
    }

    static func junk() -> [MockSSEEvent] {
        [
            .json(
                ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": "JUNK"]],
                event: "content_block_delta")
        ]
    }

    static func errorPlan(_ error: MockError) -> MockResponsePlan {
        func body(
            _ status: Int, _ type: String, _ message: String, details: JSONValue? = nil,
            headers: [(name: String, value: String)] = []
        ) -> MockResponsePlan {
            var inner: [String: JSONValue] = ["type": .string(type), "message": .string(message)]
            if let details { inner["details"] = details }
            let json: JSONValue = ["type": "error", "error": .object(inner), "request_id": "req_mock"]
            return .body(status: status, json.compactText(), headers: [("request-id", "req_mock")] + headers)
        }
        switch error {
        case .rateLimited(let hint, let shouldRetry):
            var headers: [(name: String, value: String)] = [
                ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-requests-remaining", "0"),
                ("anthropic-ratelimit-requests-reset", "2026-01-01T00:00:30Z"),
            ]
            headers += MockErrorHeaders.retry(hint, shouldRetry: shouldRetry)
            return body(
                429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
                headers: headers)
        case .quotaExhausted:
            return body(
                429, "rate_limit_error", "You have reached your specified API usage limits.",
                details: ["error_code": "enforced_spend_limit_reached"])
        case .overloaded:
            return body(529, "overloaded_error", "Overloaded")
        case .server(let status):
            return body(status, status == 504 ? "timeout_error" : "api_error", "Internal server error")
        case .badGatewayHTML:
            return MockErrorHeaders.htmlBadGateway
        case .contextLengthExceeded:
            return body(400, "invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum")
        case .unknownModel:
            return body(404, "not_found_error", "model: no-such-model")
        case .unauthorized:
            return body(401, "authentication_error", "invalid x-api-key")
        case .requestTooLarge:
            return body(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.")
        case .invalidRequest(let message):
            return body(400, "invalid_request_error", message)
        case .emptyBody(let status):
            return .body(status: status, "")
        }
    }

    static func validate(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        guard let key = request.header("x-api-key"), configuration.accepts(key) else {
            throw MockValidationFailure(plan: errorPlan(.unauthorized))
        }
        guard request.header("anthropic-version") != nil else {
            throw invalid("anthropic-version: header is required")
        }
        guard let body = request.json?.objectValue else { throw invalid("There was an error parsing the body") }
        guard body["model"]?.stringValue != nil else { throw invalid("model: Field required") }
        guard body["max_tokens"]?.intValue != nil else { throw invalid("max_tokens: Field required") }
        guard let messages = body["messages"]?.arrayValue else { throw invalid("messages: Field required") }
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, role == "user" || role == "assistant" else {
                throw invalid("messages.\(index).role: Input should be 'user' or 'assistant'")
            }
        }
        var pending: [String] = []
        for (index, message) in messages.enumerated() {
            let blocks = message["content"]?.arrayValue ?? []
            if message["role"] == "user" {
                let leading = blocks.prefix { $0["type"] == "tool_result" }.compactMap {
                    $0["tool_use_id"]?.stringValue
                }
                let all = blocks.filter { $0["type"] == "tool_result" }.compactMap { $0["tool_use_id"]?.stringValue }
                if let unexpected = all.first(where: { !pending.contains($0) }) {
                    throw invalid(
                        "messages.\(index).content: unexpected `tool_use_id` found in `tool_result` blocks: \(unexpected). "
                            + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                    )
                }
                let missing = pending.filter { !leading.contains($0) }
                if !missing.isEmpty {
                    throw invalid(
                        "messages.\(index): `tool_use` ids were found without `tool_result` blocks immediately after: "
                            + missing.joined(separator: ", ")
                            + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message."
                    )
                }
                pending = []
            } else {
                if !pending.isEmpty {
                    throw invalid(
                        "messages.\(index): `tool_use` ids were found without `tool_result` blocks immediately after: "
                            + pending.joined(separator: ", "))
                }
                pending = blocks.filter { $0["type"] == "tool_use" }.compactMap { $0["id"]?.stringValue }
            }
        }
    }

    static func conversation(_ body: JSONValue) -> MockConversationView {
        guard let last = body["messages"]?.arrayValue?.last, last["role"] == "user" else {
            return MockConversationView()
        }
        if case .string(let text)? = last["content"] { return MockConversationView(lastUserText: text) }
        let blocks = last["content"]?.arrayValue ?? []
        let results = blocks.filter { $0["type"] == "tool_result" }.map { block -> String in
            if case .string(let text)? = block["content"] { return text }
            return (block["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        }
        let text = blocks.filter { $0["type"] == "text" }.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        return MockConversationView(lastUserText: results.isEmpty ? text : nil, toolResults: results)
    }

    private static func invalid(_ message: String) -> MockValidationFailure {
        MockValidationFailure(plan: errorPlan(.invalidRequest(message)))
    }
}

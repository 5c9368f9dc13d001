import Foundation
import MeerkatCore

/// The OpenAI Chat Completions dialect of the mock, with the self-hosted variants (PROVIDERS.md §2, §5).
enum MockChatDialect {
    static func render(_ turn: MockTurn, _ context: MockRenderContext) -> [MockSSEEvent] {
        let options = context.options
        let usage = usageJSON(turn.usage)
        var events: [MockSSEEvent] = []
        func chunk(_ delta: JSONValue?, finish: String? = nil, usage chunkUsage: JSONValue? = nil) {
            var choice: [String: JSONValue] = [
                "index": 0, "logprobs": nil, "finish_reason": finish.map(JSONValue.string) ?? nil,
            ]
            choice["delta"] = delta ?? [:]
            var payload: [String: JSONValue] = [
                "id": .string("chatcmpl-mock\(context.serial)"), "object": "chat.completion.chunk", "created": 1,
                "model": .string(context.model), "system_fingerprint": "fp_mock", "obfuscation": "x1y2",
                "choices": [.object(choice)],
            ]
            switch options.chatUsage {
            case .everyChunk: payload["usage"] = usage
            case .none: break
            case .separateChunk, .finishChunk: payload["usage"] = chunkUsage ?? nil
            }
            events.append(.json(.object(payload)))
        }
        chunk(["role": "assistant", "content": "", "refusal": nil])
        for item in turn.items {
            switch item {
            case .text(let text):
                for piece in MockRenderContext.pieces(text) { chunk(["content": .string(piece)]) }
            case .reasoning(let text, _):
                for piece in MockRenderContext.pieces(text) { chunk([options.chatReasoningField: .string(piece)]) }
            case .toolCall:
                break
            }
        }
        for fragment in toolCallFragments(turn, options) { chunk(["tool_calls": [fragment]]) }
        let finish: String =
            switch turn.effectiveStop {
            case .endTurn, .stopSequence: "stop"
            case .toolUse: "tool_calls"
            case .maxTokens: "length"
            case .contentFilter: "content_filter"
            }
        chunk(
            [:], finish: options.chatFinishReason ? finish : nil, usage: options.chatUsage == .finishChunk ? usage : nil
        )
        if options.chatUsage == .separateChunk {
            events.append(
                .json([
                    "id": .string("chatcmpl-mock\(context.serial)"), "object": "chat.completion.chunk", "created": 1,
                    "model": .string(context.model), "choices": [], "usage": usage,
                ]))
        }
        if options.chatDone { events.append(MockSSEEvent(data: "[DONE]")) }
        return events
    }

    private static func toolCallFragments(_ turn: MockTurn, _ options: MockStreamOptions) -> [JSONValue] {
        let calls = turn.toolCalls.enumerated().map { index, call in
            (
                index: JSONValue.number(Double(index)), id: call.id, name: call.name,
                pieces: MockRenderContext.pieces(call.arguments, count: 2)
            )
        }
        func head(_ call: (index: JSONValue, id: String, name: String, pieces: [String]), arguments: String)
            -> JSONValue
        {
            var fragment: [String: JSONValue] = [
                "index": call.index, "type": "function",
                "function": ["name": .string(call.name), "arguments": .string(arguments)],
            ]
            if !options.chatOmitToolCallIDs { fragment["id"] = .string(call.id) }
            return .object(fragment)
        }
        func tail(_ index: JSONValue, _ piece: String) -> JSONValue {
            ["index": index, "function": ["arguments": .string(piece)]]
        }
        switch options.chatToolCallStyle {
        case .fragments:
            return calls.flatMap { call in [head(call, arguments: "")] + call.pieces.map { tail(call.index, $0) } }
        case .interleaved:
            var fragments = calls.map { head($0, arguments: "") }
            let longest = calls.map(\.pieces.count).max() ?? 0
            for step in 0..<longest {
                for call in calls where step < call.pieces.count {
                    fragments.append(tail(call.index, call.pieces[step]))
                }
            }
            return fragments
        case .wholePerDelta:
            return calls.map { head($0, arguments: $0.pieces.joined()) }
        case .argumentsInFirstFragment:
            return calls.flatMap { call in
                [head(call, arguments: call.pieces[0])] + call.pieces.dropFirst().map { tail(call.index, $0) }
            }
        }
    }

    private static func usageJSON(_ usage: MockTurn.Usage) -> JSONValue {
        let prompt = usage.input + usage.cacheRead
        return [
            "prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(usage.output)),
            "total_tokens": .number(Double(prompt + usage.output)),
            "prompt_tokens_details": ["cached_tokens": .number(Double(usage.cacheRead))],
            "completion_tokens_details": ["reasoning_tokens": .number(Double(usage.reasoning))],
        ]
    }

    static func inBandError(_ style: MockStreamOptions.InBandErrorStyle) -> MockSSEEvent {
        switch style {
        case .vllmObject:
            return .json([
                "object": "error", "message": "Internal server error during generation", "type": "InternalServerError",
                "param": nil, "code": 500,
            ])
        case .llamaCppField:
            var event = MockSSEEvent.json([
                "code": 400, "message": "the request exceeds the available context size, try increasing it",
                "type": "exceed_context_size_error",
            ])
            event.field = "error"
            return event
        case .standard, .bareError:
            return .json([
                "error": [
                    "message": "The server had an error while processing your request.", "type": "server_error",
                    "param": nil, "code": "server_error",
                ]
            ])
        }
    }

    static func junk() -> [MockSSEEvent] {
        [
            .json([
                "id": "chatcmpl-junk", "choices": [["index": 0, "delta": ["content": "JUNK"], "finish_reason": nil]],
            ])
        ]
    }

    /// OpenAI's error shape, shared by Chat Completions and Responses.
    static func errorPlan(_ error: MockError) -> MockResponsePlan {
        func body(
            _ status: Int, _ type: String, _ code: String?, _ message: String,
            headers: [(name: String, value: String)] = []
        ) -> MockResponsePlan {
            let json: JSONValue = [
                "error": [
                    "message": .string(message), "type": .string(type), "param": nil,
                    "code": code.map(JSONValue.string) ?? nil,
                ]
            ]
            return .body(status: status, json.compactText(), headers: [("x-request-id", "req_mock")] + headers)
        }
        switch error {
        case .rateLimited(let hint, let shouldRetry):
            let headers: [(name: String, value: String)] = [
                ("x-ratelimit-limit-requests", "500"), ("x-ratelimit-remaining-requests", "0"),
                ("x-ratelimit-reset-requests", "1s"), ("x-ratelimit-limit-tokens", "30000"),
                ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "6m0s"),
            ]
            return body(
                429, "tokens", "rate_limit_exceeded", "Rate limit reached for gpt-mock. Please try again in 1.2s.",
                headers: headers + MockErrorHeaders.retry(hint, shouldRetry: shouldRetry))
        case .quotaExhausted:
            return body(
                429, "insufficient_quota", "insufficient_quota",
                "You exceeded your current quota, please check your plan and billing details.")
        case .overloaded:
            return body(503, "server_error", nil, "The engine is currently overloaded, please try again later.")
        case .server(let status):
            return body(status, "server_error", nil, "The server had an error while processing your request.")
        case .badGatewayHTML:
            return MockErrorHeaders.htmlBadGateway
        case .contextLengthExceeded:
            return body(
                400, "invalid_request_error", "context_length_exceeded",
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens."
            )
        case .unknownModel:
            return body(404, "invalid_request_error", "model_not_found", "The model `no-such-model` does not exist.")
        case .unauthorized:
            return body(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-****.")
        case .requestTooLarge:
            return body(413, "invalid_request_error", nil, "Request too large.")
        case .invalidRequest(let message):
            return body(400, "invalid_request_error", nil, message)
        case .emptyBody(let status):
            return .body(status: status, "")
        }
    }

    /// `Authorization: Bearer` check shared with Responses.
    static func checkBearer(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        guard configuration.requireAuth else { return }
        guard let header = request.header("authorization"), header.hasPrefix("Bearer "),
            configuration.accepts(String(header.dropFirst("Bearer ".count)))
        else { throw MockValidationFailure(plan: errorPlan(.unauthorized)) }
    }

    static func validate(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        try checkBearer(request, configuration)
        guard let body = request.json?.objectValue else {
            throw invalid("We could not parse the JSON body of your request.")
        }
        guard body["model"]?.stringValue != nil else { throw invalid("you must provide a model parameter") }
        guard let messages = body["messages"]?.arrayValue else {
            throw invalid("Missing required parameter: 'messages'.")
        }
        if let accepted = configuration.chatResponseFormats, let format = body["response_format"],
            let type = format["type"]?.stringValue, !accepted.contains(type)
        {
            throw MockValidationFailure(plan: pythonValidationError(field: "response_format", got: type, accepted))
        }
        var pending: [String] = []
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            guard ["system", "developer", "user", "assistant", "tool"].contains(role) else {
                throw invalid(
                    "Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'."
                )
            }
            if role == "tool" {
                guard let id = message["tool_call_id"]?.stringValue, let position = pending.firstIndex(of: id) else {
                    throw invalid(
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
                    )
                }
                pending.remove(at: position)
                continue
            }
            if !pending.isEmpty {
                throw invalid(
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                        + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                        + pending.joined(separator: ", "))
            }
            if role == "assistant" {
                for (callIndex, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
                    guard call["function"]?["arguments"]?.stringValue != nil else {
                        throw invalid(
                            "Invalid type for 'messages[\(index)].tool_calls[\(callIndex)].function.arguments': expected a string."
                        )
                    }
                    if let id = call["id"]?.stringValue { pending.append(id) }
                }
            }
        }
        if !pending.isEmpty {
            throw invalid(
                "The following tool_call_ids did not have response messages: " + pending.joined(separator: ", "))
        }
    }

    static func conversation(_ body: JSONValue) -> MockConversationView {
        let messages = body["messages"]?.arrayValue ?? []
        let results = messages.reversed().prefix { $0["role"] == "tool" }.reversed().map { text(of: $0["content"]) }
        if !results.isEmpty { return MockConversationView(toolResults: Array(results)) }
        guard let last = messages.last, last["role"] == "user" else { return MockConversationView() }
        return MockConversationView(lastUserText: text(of: last["content"]))
    }

    private static func text(of content: JSONValue?) -> String {
        if case .string(let text)? = content { return text }
        return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// A FastAPI request-validation failure turned into a 500 by a catch-all handler (llama-cpp-python): the message
    /// spans several lines and ends in a source location.
    private static func pythonValidationError(field: String, got: String, _ accepted: Set<String>)
        -> MockResponsePlan
    {
        let expected = accepted.sorted().map { "'\($0)'" }.joined(separator: " or ")
        let message = """
            1 validation error:
              {'type': 'literal_error', 'loc': ('body', '\(field)', 'type'), 'msg': "Input should be \(expected)", \
            'input': '\(got)'}

              File "/srv/app/server/routes.py", line 301, in create_chat_completion
                POST /v1/chat/completions
            """
        let json: JSONValue = [
            "error": ["message": .string(message), "type": "internal_server_error", "param": nil, "code": nil]
        ]
        return .body(status: 500, json.compactText())
    }

    private static func invalid(_ message: String) -> MockValidationFailure {
        MockValidationFailure(plan: errorPlan(.invalidRequest(message)))
    }
}

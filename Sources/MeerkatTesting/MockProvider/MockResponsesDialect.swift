import Foundation
import MeerkatCore

/// The OpenAI Responses dialect of the mock (PROVIDERS.md §3).
enum MockResponsesDialect {
    static func render(_ turn: MockTurn, _ context: MockRenderContext) -> [MockSSEEvent] {
        var events: [MockSSEEvent] = []
        var sequence = 0
        func emit(_ type: String, _ fields: [String: JSONValue]) {
            var payload = fields
            payload["type"] = .string(type)
            payload["sequence_number"] = .number(Double(sequence))
            sequence += 1
            events.append(.json(.object(payload), event: type))
        }
        let responseID = "resp_mock\(context.serial)"
        func response(_ status: String, output: [JSONValue], usage: JSONValue?, extra: [String: JSONValue] = [:])
            -> JSONValue
        {
            var object: [String: JSONValue] = [
                "id": .string(responseID), "object": "response", "created_at": 1, "status": .string(status),
                "model": .string(context.model), "output": .array(output), "usage": usage ?? nil,
            ]
            object.merge(extra) { _, new in new }
            return .object(object)
        }
        emit("response.created", ["response": response("in_progress", output: [], usage: nil)])
        emit("response.in_progress", ["response": response("in_progress", output: [], usage: nil)])
        var output: [JSONValue] = []
        for (index, item) in turn.items.enumerated() {
            let position = JSONValue.number(Double(index))
            switch item {
            case .reasoning(let text, let signature):
                let id = JSONValue.string("rs_mock\(context.serial)_\(index)")
                emit(
                    "response.output_item.added",
                    ["output_index": position, "item": ["id": id, "type": "reasoning", "summary": []]])
                emit(
                    "response.reasoning_summary_part.added",
                    [
                        "item_id": id, "output_index": position, "summary_index": 0,
                        "part": ["type": "summary_text", "text": ""],
                    ])
                for piece in MockRenderContext.pieces(text) {
                    emit(
                        "response.reasoning_summary_text.delta",
                        ["item_id": id, "output_index": position, "summary_index": 0, "delta": .string(piece)])
                }
                emit(
                    "response.reasoning_summary_text.done",
                    ["item_id": id, "output_index": position, "summary_index": 0, "text": .string(text)])
                let done: JSONValue = [
                    "id": id, "type": "reasoning", "summary": [["type": "summary_text", "text": .string(text)]],
                    "encrypted_content": .string(signature ?? "enc_mock\(context.serial)"),
                ]
                emit("response.output_item.done", ["output_index": position, "item": done])
                output.append(done)
            case .text(let text):
                let id = JSONValue.string("msg_mock\(context.serial)_\(index)")
                emit(
                    "response.output_item.added",
                    [
                        "output_index": position,
                        "item": [
                            "id": id, "type": "message", "status": "in_progress", "role": "assistant", "content": [],
                        ],
                    ])
                emit(
                    "response.content_part.added",
                    [
                        "item_id": id, "output_index": position, "content_index": 0,
                        "part": ["type": "output_text", "text": "", "annotations": []],
                    ])
                for piece in MockRenderContext.pieces(text) {
                    emit(
                        "response.output_text.delta",
                        ["item_id": id, "output_index": position, "content_index": 0, "delta": .string(piece)])
                }
                emit(
                    "response.output_text.done",
                    ["item_id": id, "output_index": position, "content_index": 0, "text": .string(text)])
                let part: JSONValue = ["type": "output_text", "text": .string(text), "annotations": []]
                emit(
                    "response.content_part.done",
                    ["item_id": id, "output_index": position, "content_index": 0, "part": part])
                let done: JSONValue = [
                    "id": id, "type": "message", "status": "completed", "role": "assistant", "content": [part],
                ]
                emit("response.output_item.done", ["output_index": position, "item": done])
                output.append(done)
            case .toolCall(let callID, let name, let arguments, _):
                let id = JSONValue.string("fc_mock\(context.serial)_\(index)")
                func item(_ status: String, _ args: String) -> JSONValue {
                    [
                        "id": id, "type": "function_call", "status": .string(status), "arguments": .string(args),
                        "call_id": .string(callID), "name": .string(name),
                    ]
                }
                emit("response.output_item.added", ["output_index": position, "item": item("in_progress", "")])
                for piece in MockRenderContext.pieces(arguments, count: 2) {
                    emit(
                        "response.function_call_arguments.delta",
                        ["item_id": id, "output_index": position, "delta": .string(piece)])
                }
                emit(
                    "response.function_call_arguments.done",
                    ["item_id": id, "output_index": position, "arguments": .string(arguments)])
                emit("response.output_item.done", ["output_index": position, "item": item("completed", arguments)])
                output.append(item("completed", arguments))
            }
        }
        let usage = turn.usage
        let usageJSON: JSONValue = [
            "input_tokens": .number(Double(usage.input + usage.cacheRead)),
            "input_tokens_details": ["cached_tokens": .number(Double(usage.cacheRead))],
            "output_tokens": .number(Double(usage.output)),
            "output_tokens_details": ["reasoning_tokens": .number(Double(usage.reasoning))],
            "total_tokens": .number(Double(usage.input + usage.cacheRead + usage.output)),
        ]
        switch turn.effectiveStop {
        case .endTurn, .toolUse, .stopSequence:
            emit("response.completed", ["response": response("completed", output: output, usage: usageJSON)])
        case .maxTokens, .contentFilter:
            let reason: JSONValue = turn.effectiveStop == .maxTokens ? "max_output_tokens" : "content_filter"
            emit(
                "response.incomplete",
                [
                    "response": response(
                        "incomplete", output: output, usage: usageJSON,
                        extra: ["incomplete_details": ["reason": reason]])
                ])
        }
        return events
    }

    static func inBandError(_ style: MockStreamOptions.InBandErrorStyle) -> MockSSEEvent {
        if style == .bareError {
            return .json(
                [
                    "type": "error", "code": "server_error", "message": "The server had an error.", "param": nil,
                    "sequence_number": 99,
                ],
                event: "error")
        }
        return .json(
            [
                "type": "response.failed", "sequence_number": 99,
                "response": [
                    "id": "resp_failed", "status": "failed",
                    "error": [
                        "code": "server_error", "message": "The server had an error while processing your request.",
                    ],
                ],
            ], event: "response.failed")
    }

    static func junk() -> [MockSSEEvent] {
        [
            .json(
                ["type": "response.output_text.delta", "item_id": "junk", "output_index": 0, "delta": "JUNK"],
                event: "response.output_text.delta")
        ]
    }

    static func validate(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        try MockChatDialect.checkBearer(request, configuration)
        guard let body = request.json?.objectValue else {
            throw invalid("We could not parse the JSON body of your request.")
        }
        guard body["model"]?.stringValue != nil else { throw invalid("Missing required parameter: 'model'.") }
        guard let input = body["input"] else { throw invalid("Missing required parameter: 'input'.") }
        var calls: [String] = []
        var answered: Set<String> = []
        for (index, item) in (input.arrayValue ?? []).enumerated() {
            switch item["type"]?.stringValue {
            case "function_call":
                guard item["arguments"]?.stringValue != nil else {
                    throw invalid("Invalid type for 'input[\(index)].arguments': expected a string.")
                }
                if let id = item["call_id"]?.stringValue { calls.append(id) }
            case "function_call_output":
                guard let id = item["call_id"]?.stringValue, calls.contains(id) else {
                    throw invalid(
                        "No tool call found for function call output with call_id \(item["call_id"]?.stringValue ?? "")."
                    )
                }
                answered.insert(id)
            default:
                if let role = item["role"]?.stringValue, !["user", "assistant", "system", "developer"].contains(role) {
                    throw invalid(
                        "Invalid value: '\(role)'. Supported values are: 'assistant', 'system', 'developer', and 'user'."
                    )
                }
            }
        }
        if let missing = calls.first(where: { !answered.contains($0) }) {
            throw invalid("No tool output found for function call \(missing).")
        }
    }

    static func conversation(_ body: JSONValue) -> MockConversationView {
        if case .string(let text)? = body["input"] { return MockConversationView(lastUserText: text) }
        let items = body["input"]?.arrayValue ?? []
        let results = items.reversed().prefix { $0["type"] == "function_call_output" }.reversed().map {
            item -> String in
            if case .string(let text)? = item["output"] { return text }
            return (item["output"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        }
        if !results.isEmpty { return MockConversationView(toolResults: Array(results)) }
        guard let last = items.last, last["role"] == "user" else { return MockConversationView() }
        if case .string(let text)? = last["content"] { return MockConversationView(lastUserText: text) }
        let text = (last["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        return MockConversationView(lastUserText: text)
    }

    private static func invalid(_ message: String) -> MockValidationFailure {
        MockValidationFailure(plan: MockChatDialect.errorPlan(.invalidRequest(message)))
    }
}

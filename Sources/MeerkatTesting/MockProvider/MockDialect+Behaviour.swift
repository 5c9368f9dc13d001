import MeerkatCore

/// Dispatches the per-dialect behaviour.
extension MockDialect {
    func validate(_ request: MockRecordedRequest, _ configuration: MockProviderServer.Configuration)
        throws(MockValidationFailure)
    {
        switch self {
        case .anthropic: try MockAnthropicDialect.validate(request, configuration)
        case .chatCompletions: try MockChatDialect.validate(request, configuration)
        case .responses: try MockResponsesDialect.validate(request, configuration)
        case .gemini: try MockGeminiDialect.validate(request, configuration)
        }
    }

    func errorPlan(_ error: MockError) -> MockResponsePlan {
        switch self {
        case .anthropic: MockAnthropicDialect.errorPlan(error)
        case .chatCompletions, .responses: MockChatDialect.errorPlan(error)
        case .gemini: MockGeminiDialect.errorPlan(error)
        }
    }

    func conversation(_ body: JSONValue) -> MockConversationView {
        switch self {
        case .anthropic: MockAnthropicDialect.conversation(body)
        case .chatCompletions: MockChatDialect.conversation(body)
        case .responses: MockResponsesDialect.conversation(body)
        case .gemini: MockGeminiDialect.conversation(body)
        }
    }

    /// The streamed response for a scripted turn.
    func streamPlan(_ turn: MockTurn, _ context: MockRenderContext) -> MockResponsePlan {
        let options = context.options
        let events: [MockSSEEvent]
        let error: MockSSEEvent
        let junk: [MockSSEEvent]
        var headers: [(name: String, value: String)] = [("content-type", "text/event-stream")]
        switch self {
        case .anthropic:
            events = MockAnthropicDialect.render(turn, context)
            error = MockAnthropicDialect.inBandError(options.inBandError?.style ?? .standard)
            junk = MockAnthropicDialect.junk()
            headers = [("content-type", "text/event-stream; charset=utf-8"), ("request-id", "req_mock")]
        case .chatCompletions:
            events = MockChatDialect.render(turn, context)
            error = MockChatDialect.inBandError(options.inBandError?.style ?? .standard)
            junk = MockChatDialect.junk()
            headers.append(("x-request-id", "req_mock"))
        case .responses:
            events = MockResponsesDialect.render(turn, context)
            error = MockResponsesDialect.inBandError(options.inBandError?.style ?? .standard)
            junk = MockResponsesDialect.junk()
            headers.append(("x-request-id", "req_mock"))
        case .gemini:
            events = MockGeminiDialect.render(turn, context)
            error = MockGeminiDialect.inBandError(options.inBandError?.style ?? .standard)
            junk = MockGeminiDialect.junk()
        }
        let lineEnding = options.lineEnding ?? (self == .gemini ? .crlf : .lf)
        return MockSSEEncoder(options: options, lineEnding: lineEnding).plan(
            events, inBandError: error, junk: junk, headers: headers)
    }

    /// The model named by the request (body `model`, or the Gemini path).
    func model(body: JSONValue?, pathModel: String?) -> String {
        pathModel ?? body?["model"]?.stringValue ?? "mock-model"
    }
}

import Foundation

extension Agent {
    /// Ends a run whose last message had no tool calls: runs the structured-output extraction phase when a
    /// schema is configured (AGENT.md §1.7), then reports completion.
    func finishWithExtraction(_ initial: RunState, options: RunOptions) async throws -> RunResult {
        var state = initial
        guard let schema = options.outputSchema ?? config.outputSchema else {
            return finish(state, terminal: nil, options: options)
        }
        let mainText = lastAssistantText()
        let attempts = max(0, config.structuredOutputRetries) + 1
        var lastOutput = ""
        var lastReason = ""
        for attempt in 1...attempts {
            try Task.checkCancellation()
            try checkTimeBudgets(state)
            let prompt =
                attempt == 1
                ? Self.extractionPrompt(schema)
                : "That output was not valid: \(lastReason). Reply again with only the JSON value matching the schema."
            commit([.user(content: [.text(prompt)], transcriptRole: .conversational, createdAt: Date())])
            let request = LLMRequest(
                model: activeModel(options.turnMetadata), messages: requestMessages(state), tools: [],
                maxTokens: config.maxTokensPerTurn, temperature: 0,
                providerParams: options.turnMetadata?.providerParams ?? routedProviderParams,
                outputFormat: OutputFormat(name: schema.name, schema: schema.schema, strict: schema.strict))
            let response = try await callModel(request, run: state, emitDeltas: false)
            state.calls += 1
            // Tool calls are not allowed here; drop them so the transcript never holds an unanswered tool_use.
            let blocks = response.blocks.filter { if case .toolUse = $0 { false } else { true } }
            let hadToolCalls = blocks.count != response.blocks.count
            commit([
                .assistant(blocks: blocks, stopReason: hadToolCalls ? .endTurn : response.stopReason, createdAt: Date())
            ])
            account(response, request: request)
            lastOutput = blocks.compactMap { if case .text(let t, _) = $0 { t } else { nil } }.joined()
            if hadToolCalls {
                lastReason = "tool calls are not allowed while producing structured output"
                continue
            }
            switch Self.parseStructured(lastOutput, schema: schema) {
            case .success(let value):
                let result = finish(state, terminal: nil, options: options, structured: value, text: mainText)
                events.publish(.extractionSucceeded(structuredOutput: value, schemaWarnings: nil))
                return result
            case .failure(let reason):
                lastReason = reason.message
            }
        }
        let error = ExtractionError(lastOutput: lastOutput, attempts: attempts, reason: lastReason)
        let result = finish(state, terminal: nil, options: options, extractionError: error, text: mainText)
        events.publish(.extractionFailed(lastOutput: lastOutput, attempts: attempts, reason: lastReason))
        return result
    }

    static func extractionPrompt(_ schema: OutputSchema) -> String {
        """
        Provide your final output now as a single JSON value that matches this JSON Schema. \
        Reply with only the JSON, no prose and no code fences.

        \(schema.schema.compactText())
        """
    }

    struct ExtractionFailure: Error { let message: String }

    /// Trims, strips a Markdown code fence, parses and validates.
    static func parseStructured(_ text: String, schema: OutputSchema) -> Result<JSONValue, ExtractionFailure> {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            lines.removeFirst()
            if let last = lines.last, last.trimmingCharacters(in: .whitespaces).hasPrefix("```") { lines.removeLast() }
            body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !body.isEmpty else { return .failure(ExtractionFailure(message: "the reply was empty")) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            return .failure(ExtractionFailure(message: error.message))
        }
        var violations = schema.validator.validate(value)
        // Some providers wrap the object under the schema name; accept the inner value when it is valid.
        if !violations.isEmpty, case .object(let members) = value, members.count == 1, let inner = members[schema.name],
            schema.validator.validate(inner).isEmpty
        {
            return .success(inner)
        }
        if violations.count > 5 { violations = Array(violations.prefix(5)) }
        guard violations.isEmpty else {
            return .failure(
                ExtractionFailure(
                    message: "schema violations: " + violations.map(\.description).joined(separator: "; ")))
        }
        return .success(value)
    }
}

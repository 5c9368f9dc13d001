import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@Suite("Structured output")
struct StructuredOutputTests {
    private let schema: JSONValue = [
        "type": "object", "properties": ["answer": ["type": "string"]], "required": ["answer"],
        "additionalProperties": false,
    ]

    @Test func validOutputIsExtractedWithNoToolsAndTemperatureZero() async throws {
        let client = ScriptedLLMClient([.text("The answer is 42."), .text(#"{"answer":"42"}"#)])
        let agent = makeAgent(client, tools: [echoTool]) { $0.outputSchema = try! OutputSchema(json: schema) }
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("q"))
        #expect(result.structuredOutput == ["answer": "42"])
        #expect(result.text == "The answer is 42.")
        #expect(result.turns == 2 && result.extractionError == nil)
        let extraction = client.requests[1]
        #expect(extraction.tools.isEmpty && extraction.temperature == 0)
        #expect(extraction.outputFormat?.schema == schema)
        let events = await recorder.collect()
        #expect(Array(events.types.suffix(2)) == ["run_completed", "extraction_succeeded"])
        if case .runCompleted(_, _, _, let required, _, _) = events[events.count - 2] { #expect(required) }
        // Extraction emits no deltas and no second turn_completed.
        #expect(events.filter { $0.type == "turn_completed" }.count == 1)
        #expect(events.filter { $0.type == "text_delta" }.count == 2)
    }

    @Test func invalidThenFixedOutputSucceedsOnRetryWithTheValidatorError() async throws {
        let client = ScriptedLLMClient([
            .text("main"), .text(#"{"answer": 42}"#), .text("```json\n{\"answer\":\"fixed\"}\n```"),
        ])
        let agent = makeAgent(client) { $0.outputSchema = try! OutputSchema(json: schema) }
        let result = try await agent.run(.text("q"))
        #expect(result.structuredOutput == ["answer": "fixed"])
        #expect(client.requests.count == 3)
        guard case .user(let content, _, _) = client.requests[2].messages.last else {
            Issue.record("retry prompt missing")
            return
        }
        #expect(content.first?.textProjection.contains("expected string, got integer") == true)
    }

    @Test func exhaustedExtractionReportsErrorButRunSucceeds() async throws {
        let client = ScriptedLLMClient([.text("main"), .text("nope"), .text("still no"), .text("{}")])
        let agent = makeAgent(client) { $0.outputSchema = try! OutputSchema(json: schema) }
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("q"))
        #expect(result.structuredOutput == nil)
        #expect(result.extractionError?.attempts == 3)
        #expect(result.extractionError?.lastOutput == "{}")
        #expect(result.extractionError?.reason.contains("missing required property 'answer'") == true)
        let events = await recorder.collect()
        #expect(events.last?.type == "extraction_failed")
    }

    @Test func wrappedOutputUnderSchemaNameIsUnwrapped() async throws {
        let client = ScriptedLLMClient([.text("main"), .text(#"{"result":{"answer":"x"}}"#)])
        let agent = makeAgent(client) { $0.outputSchema = try! OutputSchema(schema: schema, name: "result") }
        #expect(try await agent.run(.text("q")).structuredOutput == ["answer": "x"])
    }

    @Test func schemaThatIsNotAnObjectIsATypedErrorBeforeAnyModelCall() {
        #expect(throws: OutputSchemaError("output_schema must be a JSON object, got array")) {
            try OutputSchema(json: ["type", "object"])
        }
        #expect(throws: OutputSchemaError.self) { try OutputSchema(json: ["type": "array", "items": [:]]) }
        #expect(throws: OutputSchemaError.self) { try OutputSchema(json: "string schema") }
    }

    @Test func wrapperFormIsAccepted() throws {
        let wrapped = try OutputSchema(json: ["schema": schema, "name": "answer_schema", "strict": true])
        #expect(wrapped.name == "answer_schema" && wrapped.strict && wrapped.schema == schema)
    }
}

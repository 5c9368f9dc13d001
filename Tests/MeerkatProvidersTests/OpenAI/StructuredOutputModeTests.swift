import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

/// Self-hosted structured-output modes and the fallback when a server refuses `response_format`.
@Suite struct StructuredOutputModeTests {
    private let schema: JSONValue = ["type": "object", "properties": ["answer": ["type": "string"]]]

    private func request() -> LLMRequest {
        LLMRequest(
            model: "smollm",
            messages: [.user(content: [.text("answer as JSON")], transcriptRole: .conversational, createdAt: Date())],
            maxTokens: 64, outputFormat: OutputFormat(schema: schema))
    }

    @Test func eachModeShapesTheRequest() throws {
        func format(_ mode: SelfHostedModel.StructuredOutputMode) throws -> JSONValue? {
            try ChatCompletionsClient.selfHosted(baseURL: "http://127.0.0.1:1/v1", structuredOutput: mode)
                .wireBody(for: request())["response_format"]
        }
        #expect(try format(.jsonSchema)?["type"] == "json_schema")
        #expect(try format(.jsonSchema)?["json_schema"]?["schema"] == schema)
        #expect(try format(.jsonObject) == ["type": "json_object"])
        #expect(try format(.promptOnly) == nil)
    }

    @Test func refusedJSONSchemaFallsBackToJSONObjectAndIsRemembered() async throws {
        try await withMockServer(.llamaCppPython) { server in
            server.enqueue(.text(#"{"answer": "42"}"#), .text(#"{"answer": "43"}"#))
            let client = ChatCompletionsClient.selfHosted(baseURL: server.baseURL + "/v1")
            let first = await collect(client.stream(request()))
            #expect(first.outcome == .success(.endTurn))
            #expect(first.text == #"{"answer": "42"}"#)
            #expect(server.requests.map { $0.json?["response_format"]?["type"] } == ["json_schema", "json_object"])
            #expect(client.structuredOutputMode == .jsonObject)
            // The next call goes straight to the accepted mode; the server sent no usage.
            let second = await collect(client.stream(request()))
            #expect(second.text == #"{"answer": "43"}"#)
            #expect(server.requests.count == 3)
            #expect(server.requests[2].json?["response_format"]?["type"] == "json_object")
            #expect(!second.contains { if case .usage = $0 { true } else { false } })
        }
    }

    @Test func aServerRefusingEveryFormatEndsInPromptOnly() async throws {
        var configuration = MockProviderServer.Configuration.llamaCppPython
        configuration.chatResponseFormats = ["text"]
        try await withMockServer(configuration) { server in
            server.enqueue(.text(#"{"answer": "42"}"#))
            let client = ChatCompletionsClient.selfHosted(baseURL: server.baseURL + "/v1")
            let events = await collect(client.stream(request()))
            #expect(events.outcome == .success(.endTurn))
            #expect(
                server.requests.map { $0.json?["response_format"]?["type"] } == ["json_schema", "json_object", nil])
            #expect(client.structuredOutputMode == .promptOnly)
        }
    }

    @Test func otherServerErrorsAreNotTreatedAsRefusals() async throws {
        try await withMockServer(.init(requireAuth: false)) { server in
            server.enqueue(.error(.server(status: 500)))
            let client = ChatCompletionsClient.selfHosted(baseURL: server.baseURL + "/v1")
            let events = await collect(client.stream(request()))
            #expect(events.failure?.status == 500)
            #expect(server.requests.count == 1)
            #expect(client.structuredOutputMode == .jsonSchema)
        }
    }
}

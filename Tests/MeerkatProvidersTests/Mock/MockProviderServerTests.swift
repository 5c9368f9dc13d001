import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import NIOCore
import Testing

/// The mock itself: routing, validation like the real APIs, recording, rule mode.
@Suite struct MockProviderServerTests {
    private func post(
        _ server: MockProviderServer, _ path: String, headers: [(String, String)] = [], json: String
    ) async throws -> (status: Int, body: JSONValue?) {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPTransport.shared.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try? JSONValue.parse(Data(bytes.readableBytesView)))
    }

    private let anthropicHeaders = [("x-api-key", "test-key"), ("anthropic-version", "2023-06-01")]
    private let bearer = [("authorization", "Bearer test-key")]

    @Test func routesAndMethods() async throws {
        try await withMockServer { server in
            #expect(try await post(server, "/v2/nothing", json: "{}").status == 404)
            var request = HTTPClientRequest(url: server.baseURL + "/v1/messages")
            request.method = .GET
            let response = try await HTTPTransport.shared.client.execute(request, timeout: .seconds(60))
            #expect(response.status.code == 405)
            _ = try await response.body.collect(upTo: 1 << 16)
            #expect(server.requests.map(\.path) == ["/v2/nothing", "/v1/messages"])
        }
    }

    @Test func authFailuresUseEachProvidersShape() async throws {
        try await withMockServer { server in
            let anthropic = try await post(
                server, "/v1/messages", headers: [("anthropic-version", "2023-06-01")], json: "{}")
            #expect(anthropic.status == 401)
            #expect(anthropic.body?["error"]?["type"] == "authentication_error")
            let openAI = try await post(
                server, "/v1/chat/completions", headers: [("authorization", "Bearer nope")], json: "{}")
            #expect(openAI.status == 401)
            #expect(openAI.body?["error"]?["code"] == "invalid_api_key")
            let gemini = try await post(
                server, "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse",
                headers: [("x-goog-api-key", "nope")],
                json: "{}")
            #expect(gemini.status == 400)
            #expect(gemini.body?["error"]?["details"]?.arrayValue?.first?["reason"] == "API_KEY_INVALID")
            let anonymous = try await post(server, "/v1beta/models/m:streamGenerateContent?alt=sse", json: "{}")
            #expect(anonymous.status == 403)
            let queryKey = try await post(
                server, "/v1beta/models/m:streamGenerateContent?alt=sse&key=test-key",
                json: #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#)
            #expect(queryKey.status == 200)
        }
    }

    @Test func requiredFieldsAndRoles() async throws {
        try await withMockServer { server in
            let noMax = try await post(
                server, "/v1/messages", headers: anthropicHeaders, json: #"{"model":"m","messages":[]}"#)
            #expect(noMax.status == 400)
            #expect(noMax.body?["error"]?["message"] == "max_tokens: Field required")
            let badRole = try await post(
                server, "/v1/chat/completions", headers: bearer,
                json: #"{"model":"m","messages":[{"role":"wizard","content":"x"}]}"#)
            #expect(badRole.status == 400)
            let objectArguments = try await post(
                server, "/v1/chat/completions", headers: bearer,
                json:
                    #"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{"a":1}}}]},{"role":"tool","tool_call_id":"c","content":"x"}]}"#
            )
            #expect(objectArguments.status == 400)
            #expect(objectArguments.body?["error"]?["message"]?.stringValue?.contains("expected a string") == true)
            let noAlt = try await post(
                server, "/v1beta/models/m:streamGenerateContent", headers: [("x-goog-api-key", "test-key")],
                json: #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#)
            #expect(noAlt.status == 400)
        }
    }

    @Test func toolPairingIsEnforcedPerDialect() async throws {
        try await withMockServer { server in
            let chat = try await post(
                server, "/v1/chat/completions", headers: bearer,
                json:
                    #"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"user","content":"next"}]}"#
            )
            #expect(chat.status == 400)
            #expect(chat.body?["error"]?["message"]?.stringValue?.contains("call_1") == true)

            let responses = try await post(
                server, "/v1/responses", headers: bearer,
                json:
                    #"{"model":"m","input":[{"type":"function_call","call_id":"call_1","name":"f","arguments":"{}"}]}"#)
            #expect(responses.status == 400)
            #expect(responses.body?["error"]?["message"] == "No tool output found for function call call_1.")

            let gemini = try await post(
                server, "/v1beta/models/m:streamGenerateContent?alt=sse", headers: [("x-goog-api-key", "test-key")],
                json:
                    #"{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"a","args":{}}},{"functionCall":{"name":"b","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"a","response":{"result":"x"}}}]}]}"#
            )
            #expect(gemini.status == 400)
            let geminiString = try await post(
                server, "/v1beta/models/m:streamGenerateContent?alt=sse", headers: [("x-goog-api-key", "test-key")],
                json:
                    #"{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"a","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"a","response":"x"}}]}]}"#
            )
            #expect(geminiString.status == 400)
        }
    }

    @Test func geminiThoughtSignaturesCanBeRequired() async throws {
        try await withMockServer(.init(apiKey: "test-key", geminiRequiresThoughtSignatures: true)) { server in
            let unsigned = try await post(
                server, "/v1beta/models/m:streamGenerateContent?alt=sse", headers: [("x-goog-api-key", "test-key")],
                json:
                    #"{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"name":"a","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"a","response":{"result":"x"}}}]}]}"#
            )
            #expect(unsigned.status == 400)
            #expect(unsigned.body?["error"]?["message"]?.stringValue?.contains("thought_signature") == true)
        }
    }

    @Test func withoutRuleModeAnEmptyQueueIsAServerError() async throws {
        try await withMockServer(.init(ruleMode: false)) { server in
            let result = try await post(
                server, "/v1/messages", headers: [("x-api-key", "k"), ("anthropic-version", "2023-06-01")],
                json: #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(result.status == 500)
            #expect(result.body?["error"]?["message"] == "mock: no script queued")
        }
    }

    @Test func recordsHeadersAndBodies() async throws {
        try await withMockServer { server in
            server.enqueue(.text("ok"))
            _ = try await post(
                server, "/v1/messages", headers: anthropicHeaders + [("x-trace", "abc")],
                json: #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.dialect == .anthropic)
            #expect(request.header("X-Trace") == "abc")
            #expect(request.json?["max_tokens"] == 5)
            #expect(server.pendingScripts == 0)
        }
    }

    @Test func ruleModeParsesSeveralCallsWithNestedJSON() async throws {
        try await withMockServer { server in
            let provider = ProviderUnderTest.anthropic
            let text = #"call tool first {"x": {"y": "}"}} then CALL TOOL second"#
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user(text)])))
            #expect(events.toolCalls.map(\.name) == ["first", "second"])
            #expect(events.toolArgs == [["x": ["y": "}"]], [:]])
            #expect(events.outcome == .success(.toolUse))
        }
    }
}

import Foundation
import MeerkatCore
import Testing

@testable import MeerkatProviders

/// A provider switch mid-session (RUNTIME.md §12): every encoder re-encodes the neutral transcript for its own
/// dialect and sends continuity data (thinking signatures, encrypted reasoning, thought signatures) only to the
/// provider that minted it.
@Suite("Cross-provider continuity data")
struct CrossProviderContinuityTests {
    static let epoch = Date(timeIntervalSince1970: 0)

    static var request: LLMRequest {
        let call = ToolCall(
            id: "call_1", name: "read_file", args: ["path": "notes.txt"],
            meta: ProviderMeta(provider: "gemini", data: ["thought_signature": "SIG-GEMINI"]))
        let history: [Message] = [
            .user(content: [.text("read the notes")], transcriptRole: .conversational, createdAt: epoch),
            .assistant(
                blocks: [
                    .reasoning(
                        text: "anthropic thought",
                        meta: ProviderMeta(provider: "anthropic", data: ["signature": "SIG-ANTHROPIC"])),
                    .reasoning(
                        text: "openai thought",
                        meta: ProviderMeta(provider: "openai", data: ["encrypted_content": "ENC-OPENAI"])),
                    .text(text: "reading", meta: nil),
                    .toolUse(call),
                ], stopReason: .toolUse, createdAt: epoch),
            .toolResults(results: [ToolResult(toolUseID: "call_1", text: "notes body")], createdAt: epoch),
        ]
        return LLMRequest(model: "m", messages: history)
    }

    static func text(_ body: JSONValue) throws -> String {
        String(decoding: try WireJSON.encoder().encode(body), as: UTF8.self)
    }

    @Test func anthropicKeepsOnlyItsOwnSignature() throws {
        let body = try Self.text(try AnthropicRequestBuilder.body(for: Self.request))
        #expect(body.contains("SIG-ANTHROPIC"))
        #expect(!body.contains("ENC-OPENAI") && !body.contains("SIG-GEMINI"))
        #expect(body.contains("tool_use") && body.contains("tool_result") && body.contains("notes body"))
    }

    @Test func openAIResponsesKeepsOnlyItsOwnEncryptedReasoning() throws {
        let body = try Self.text(try OpenAIResponsesRequestBuilder.body(for: Self.request))
        #expect(body.contains("ENC-OPENAI"))
        #expect(!body.contains("SIG-ANTHROPIC") && !body.contains("SIG-GEMINI"))
        #expect(body.contains("function_call") && body.contains("function_call_output"))
    }

    @Test func geminiKeepsOnlyItsOwnThoughtSignature() throws {
        let body = try Self.text(try GeminiRequestBuilder.body(for: Self.request))
        #expect(body.contains("SIG-GEMINI"))
        #expect(!body.contains("SIG-ANTHROPIC") && !body.contains("ENC-OPENAI"))
        #expect(body.contains("functionCall") && body.contains("functionResponse"))
    }
}

import MeerkatCore
import Testing

@testable import MeerkatProviders

/// The cursor-based chunk reader against the tree-based reader it replaced (kept here as the oracle): for every
/// chunk text, both refuse it or both read the same fields.
@Suite struct ChatCompletionsChunkReaderTests {
    /// The previous reader: `JSONValue.parse`, then the fields from the tree with `Decodable`'s rules.
    enum Oracle {
        struct Refused: Error {}

        static func read(_ text: String) -> ChatCompletionsWireChunk? {
            guard let json = try? JSONValue.parse(text), case .object(let chunk) = json else { return nil }
            do {
                let choices = try array(chunk["choices"])?.map { value throws(Refused) in
                    let choice = try object(value)
                    return ChatCompletionsWireChunk.Choice(
                        index: try int(choice["index"]),
                        delta: try optionalObject(choice["delta"]).map { delta throws(Refused) in try self.delta(delta)
                        },
                        finishReason: try string(choice["finish_reason"]))
                }
                let usage = try optionalObject(chunk["usage"]).map { usage throws(Refused) in
                    ChatCompletionsWireChunk.Usage(
                        promptTokens: try int(usage["prompt_tokens"]),
                        completionTokens: try int(usage["completion_tokens"]),
                        cachedTokens: try optionalObject(usage["prompt_tokens_details"]).flatMap {
                            details throws(Refused) in try int(details["cached_tokens"])
                        })
                }
                return ChatCompletionsWireChunk(choices: choices, usage: usage)
            } catch {
                return nil
            }
        }

        static func delta(_ delta: [String: JSONValue]) throws(Refused) -> ChatCompletionsWireChunk.Delta {
            ChatCompletionsWireChunk.Delta(
                content: try string(delta["content"]), reasoningContent: try string(delta["reasoning_content"]),
                reasoning: try string(delta["reasoning"]), refusal: try string(delta["refusal"]),
                toolCalls: try array(delta["tool_calls"])?.map { value throws(Refused) in
                    let call = try object(value)
                    return ChatCompletionsWireChunk.ToolCall(
                        index: try int(call["index"]), id: try string(call["id"]),
                        function: try optionalObject(call["function"]).map { function throws(Refused) in
                            ChatCompletionsWireChunk.Function(
                                name: try string(function["name"]), arguments: try string(function["arguments"]))
                        })
                })
        }

        static func object(_ value: JSONValue) throws(Refused) -> [String: JSONValue] {
            guard case .object(let members) = value else { throw Refused() }
            return members
        }

        static func optionalObject(_ value: JSONValue?) throws(Refused) -> [String: JSONValue]? {
            guard let value, value != .null else { return nil }
            return try object(value)
        }

        static func array(_ value: JSONValue?) throws(Refused) -> [JSONValue]? {
            guard let value, value != .null else { return nil }
            guard case .array(let elements) = value else { throw Refused() }
            return elements
        }

        static func string(_ value: JSONValue?) throws(Refused) -> String? {
            guard let value, value != .null else { return nil }
            guard case .string(let text) = value else { throw Refused() }
            return text
        }

        static func int(_ value: JSONValue?) throws(Refused) -> Int? {
            guard let value, value != .null else { return nil }
            guard let number = value.intValue else { throw Refused() }
            return number
        }
    }

    static let chunks = [
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"lo \"there\" \u00e9\ud83d\ude00"},"finish_reason":"stop"}],"usage":null}"#,
        #"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0}}}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"echo","arguments":"{\"a\""}},{"index":1,"function":{"arguments":":1}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"reasoning_content":"think","reasoning":"r","refusal":null}}]}"#,
        #"{"choices":[{"index":1,"delta":{"content":"second"}},{"index":0,"delta":{"content":"first"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}],"choices":[{"index":0,"delta":{"content":"b"}}]}"#,
        #"{"choices":5,"choices":[{"index":0,"delta":{"content":"last wins"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"x"}}],"choices":"then a string"}"#,
        #"{"choices":[{"index":2.0,"delta":{"content":"whole float index"}}]}"#,
        #"{"choices":[{"index":1e3,"delta":null,"finish_reason":"length"}]}"#,
        #"{"choices":[{"index":0.5}]}"#, #"{"choices":[{"index":9e15}]}"#, #"{"choices":[{"index":-3}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":5}}]}"#, #"{"choices":{"index":0}}"#,
        #"{"choices":[{"index":"first","delta":{"content":"x"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0.5}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":"not an object"}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":7}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[1,{"index":0}]}}]}"#,
        #"{"usage":{"prompt_tokens":"ten"}}"#, #"{"usage":{"prompt_tokens_details":null,"completion_tokens":null}}"#,
        #"{"usage":{"prompt_tokens_details":{"cached_tokens":"4"}}}"#, #"{"usage":[]}"#, #"{"usage":true}"#,
        #"["not","an","object"]"#, #"{"choices":[{"index":0,"delta":{"content":"x"}}"#, "", "   ", "null", "{}",
        #"{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}"#,
        #"  {"choices" : [ { "index" : 0 , "delta" : { "content" : "spaced" } } ] }  "#,
        #"{"choices":[{"index":0,"delta":{"content":"x"}}]} trailing"#, #"{"a":[[[[[{"b":null}]]]]],"choices":null}"#,
        #"{"choices":[{"index":0,"delta":{"content":"\x"}}]}"#, #"{"choices":[{"index":01}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"x","extra":{"nested":[1,2,{"c":"d"}]}}}],"system_fingerprint":"fp"}"#,
    ]

    @Test func readsEveryChunkAsTheTreeBasedReaderDid() {
        for text in Self.chunks {
            #expect((try? ChatCompletionsWireChunk(text: text)) == Oracle.read(text), "\(text)")
        }
    }

    @Test func truncatedAndCorruptedChunksToo() {
        // Every prefix, and every single-byte change to a few bytes JSON cares about, of every well-formed chunk.
        var texts: [String] = []
        for text in Self.chunks where (try? JSONValue.parse(text)) != nil {
            let bytes = Array(text.utf8)
            for end in 0..<bytes.count { texts.append(String(decoding: bytes[..<end], as: UTF8.self)) }
            for position in bytes.indices {
                for replacement in ["}", "]", ",", "\"", "0", "n", " "] {
                    var changed = bytes
                    changed[position] = replacement.utf8.first!
                    texts.append(String(decoding: changed, as: UTF8.self))
                }
            }
        }
        var agreed = 0
        for text in texts {
            let ours = try? ChatCompletionsWireChunk(text: text)
            #expect(ours == Oracle.read(text), "\(text)")
            if ours != nil { agreed += 1 }
        }
        #expect(agreed > 100)  // some corrupted chunks still read, and read the same
    }

    @Test func deepNestingIsRefusedLikeTheParser() {
        let deep = #"{"x":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect((try? JSONValue.parse(deep)) == nil)
        #expect((try? ChatCompletionsWireChunk(text: deep)) == nil)
    }
}

import Foundation
import MeerkatCore

/// What a dialect needs to render a scripted turn.
struct MockRenderContext: Sendable {
    /// The model the request named.
    var model: String
    /// A number unique to this response, for ids.
    var serial: Int
    var options: MockStreamOptions

    /// `text` cut into up to `count` non-empty pieces at character boundaries (several deltas per block).
    static func pieces(_ text: String, count: Int = 3) -> [String] {
        let characters = Array(text)
        guard characters.count > 1 else { return [text] }
        let size = max(1, (characters.count + count - 1) / count)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
    }

    /// Parses tool-call arguments text into an object (Gemini needs objects); invalid text becomes `{}`.
    static func argumentsObject(_ text: String) -> JSONValue {
        (try? JSONValue.parse(text)).flatMap { $0.objectValue != nil ? $0 : nil } ?? .object([:])
    }
}

/// A 4xx the validator returns, with the dialect's error body already chosen.
struct MockValidationFailure: Error {
    var plan: MockResponsePlan
}

/// The parts of a conversation the rule mode reacts to.
struct MockConversationView: Sendable {
    /// Text of the last user message, when the conversation ends with one.
    var lastUserText: String?
    /// Texts of the tool results the conversation ends with.
    var toolResults: [String] = []
}

import Foundation
import Testing

@testable import MeerkatCore

/// The memoised size of a request must always equal `canonicalBytes`, whatever the previous request was.
@Suite struct CanonicalSizesTests {
    private let date = Date(timeIntervalSince1970: 1_780_000_000.123)

    private func user(_ text: String) -> Message {
        .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
    }

    private func assistant(_ text: String) -> Message {
        .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
    }

    @Test func everyShapeOfTheNextRequestMatchesAFullEncoding() {
        let tool = ToolDefinition(name: "t", description: "d", inputSchema: ["type": "object"])
        var history: [Message] = [.system(content: "Be terse.", createdAt: date)]
        var requests: [LLMRequest] = []
        for turn in 0..<6 {
            history += [user("question \(turn) \"quoted\""), assistant("answer \(turn) é")]
            requests.append(LLMRequest(model: "m", messages: history, tools: turn.isMultiple(of: 2) ? [tool] : []))
        }
        // A compacted context (shorter, different first rows), a changed middle message, another model and
        // provider parameters, then growth again.
        requests.append(LLMRequest(model: "m", messages: [history[0], user("summary"), history[11], history[12]]))
        var edited = history
        edited[5] = user("rewritten")
        requests.append(LLMRequest(model: "other-model", messages: edited, tools: [tool], providerParams: ["seed": 1]))
        requests.append(LLMRequest(model: "m", messages: history + [user("more")]))
        requests.append(LLMRequest(model: "m", messages: []))
        requests.append(LLMRequest(model: "m", messages: history))
        var memo = CanonicalSizes()
        for request in requests {
            #expect(memo.bytes(of: request) == request.canonicalBytes)
        }
    }

    @Test func sharedPrefixCountsLeadingEqualElements() {
        let history = [user("a"), assistant("b"), user("c")]
        #expect(history.sharedPrefixCount(with: history) == 3)
        #expect(history.sharedPrefixCount(with: history + [user("d")]) == 3)
        #expect((history + [user("d")]).sharedPrefixCount(with: history) == 3)
        #expect(history.sharedPrefixCount(with: [user("a"), user("b")]) == 1)
        #expect(history.sharedPrefixCount(with: []) == 0)
        #expect([Message]().sharedPrefixCount(with: history) == 0)
        #expect(history[1...].sharedPrefixCount(with: Array(history[1...])) == 2)
        #expect(history[1...].sharedPrefixCount(with: history) == 0)
    }

    /// Identical bytes short-cut `==`; equal values with their own storage, and values that differ only deep inside,
    /// are still decided by `==`.
    @Test func sharedPrefixAgreesWithEqualityWhateverTheStorage() {
        let long = String(repeating: "x", count: 100)
        func rebuilt() -> [Message] {
            [user("a" + long), assistant("b" + long), user("c" + long), assistant("d" + long)]
        }
        let first = rebuilt()
        let second = rebuilt()  // equal values, separate string storage
        #expect(first.sharedPrefixCount(with: second) == 4)
        var changed = rebuilt()
        changed[2] = user("c" + long + "!")
        #expect(first.sharedPrefixCount(with: changed) == 2)
        var copy = first
        copy.append(user("tail"))  // a copy that shares the elements' storage
        #expect(first.sharedPrefixCount(with: copy) == 4)
        copy[0] = assistant("a" + long)  // same text, another role
        #expect(first.sharedPrefixCount(with: copy) == 0)
        let numbers: [Double] = [1, 2, .nan, 4]
        #expect(numbers.sharedPrefixCount(with: [1, 2, 3, 4]) == 2)
        #expect([1.0, 2.0].sharedPrefixCount(with: [1.0, -2.0]) == 1)
        #expect([0.0].sharedPrefixCount(with: [-0.0]) == 1)  // equal by `==`, though their bytes differ
    }
}

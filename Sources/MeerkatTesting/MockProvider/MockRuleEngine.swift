import Foundation
/// The mock's rule mode, used when no script is queued (load tests, `meerkat-mock serve`):
///
/// - A conversation ending in tool results is answered with the text `tool results: <r1>; <r2>`.
/// - A user message containing `call tool NAME {json}` (one or more times) is answered with one parallel tool
///   call per occurrence; the JSON object is optional (`{}` when absent) and must be a balanced `{...}`.
/// - Anything else is echoed: `echo: <last user text>`.
enum MockRuleEngine {
    static func turn(for view: MockConversationView, serial: Int) -> MockTurn {
        if !view.toolResults.isEmpty {
            return .text("tool results: " + view.toolResults.joined(separator: "; "))
        }
        let text = view.lastUserText ?? ""
        let calls = toolCalls(in: text)
        if !calls.isEmpty {
            return MockTurn(
                calls.enumerated().map { index, call in
                    .toolCall(id: "call_rule\(serial)_\(index)", name: call.name, arguments: call.arguments)
                })
        }
        return .text("echo: \(text)")
    }

    /// Every `call tool NAME {json}` in `text`.
    static func toolCalls(in text: String) -> [(name: String, arguments: String)] {
        var calls: [(name: String, arguments: String)] = []
        var rest = Substring(text)
        while let marker = rest.range(of: "call tool ", options: .caseInsensitive) {
            rest = rest[marker.upperBound...]
            let name = rest.prefix { !$0.isWhitespace && $0 != "{" }
            guard !name.isEmpty else { continue }
            rest = rest[name.endIndex...]
            let afterSpaces = rest.drop { $0 == " " }
            var arguments = "{}"
            if afterSpaces.first == "{", let end = balancedObjectEnd(afterSpaces) {
                arguments = String(afterSpaces[..<end])
                rest = afterSpaces[end...]
            }
            calls.append((String(name), arguments))
        }
        return calls
    }

    /// The index after the `}` closing the object that `text` starts with, honouring JSON strings.
    private static func balancedObjectEnd(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
            } else if character == "{" {
                depth += 1
            } else if character == "}" {
                depth -= 1
                if depth == 0 { return text.index(after: index) }
            }
            index = text.index(after: index)
        }
        return nil
    }
}

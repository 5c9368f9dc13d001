import Foundation
import MeerkatCore
import Testing

/// Executes the examples of docs/rpc.md against a live server: each `rpc-example` block on a fresh server.
@Suite("docs/rpc.md examples", .serialized)
struct RPCDocumentationTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/rpc.md")

    @Test func everyExampleAnswersAsDocumented() async throws {
        let blocks = try DocExamples.blocks(in: String(contentsOf: Self.document, encoding: .utf8), tag: "rpc-example")
        #expect(blocks.count >= 2)
        var exchanges = 0
        for block in blocks {
            let server = try await RPCTestServer.start()
            let client = try await server.client()
            var variables: [String: String] = [:]
            for (request, expected) in block {
                let line = DocExamples.substitute(request, variables)
                await client.sendLine(line)
                let actual = try #require(await client.nextUnsolicited(), "no answer to \(line)")
                let pattern = try JSONValue.parse(DocExamples.substitute(expected, variables))
                let mismatch = DocExamples.mismatch(pattern, actual, path: "$")
                #expect(mismatch == nil, "\(line)\n→ \(actual.compactText())\n\(mismatch ?? "")")
                DocExamples.remember(actual, into: &variables)
                exchanges += 1
            }
            await client.close()
            await server.stop()
        }
        #expect(exchanges >= 10)
    }
}

/// Reads `-->` / `<--` example blocks out of a Markdown document and matches answers against them.
enum DocExamples {
    /// The request/answer pairs of every fenced block with `tag`.
    static func blocks(in text: String, tag: String) throws -> [[(String, String)]] {
        var blocks: [[(String, String)]] = []
        var current: [(String, String)]?
        var pendingRequest: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "```\(tag)" {
                current = []
            } else if line == "```", let finished = current {
                blocks.append(finished)
                current = nil
            } else if current != nil, line.hasPrefix("--> ") {
                pendingRequest = String(line.dropFirst(4))
            } else if current != nil, line.hasPrefix("<-- "), let request = pendingRequest {
                current?.append((request, String(line.dropFirst(4))))
                pendingRequest = nil
            }
        }
        return blocks
    }

    static func substitute(_ text: String, _ variables: [String: String]) -> String {
        var out = text
        for (name, value) in variables { out = out.replacingOccurrences(of: "$\(name)", with: value) }
        return out
    }

    /// Remembers the last `session_id` and `input_id` of an answer.
    static func remember(_ answer: JSONValue, into variables: inout [String: String]) {
        guard let result = answer["result"] else { return }
        if let session = result["session_id"]?.stringValue { variables["SESSION"] = session }
        if let input = result["input_id"]?.stringValue { variables["INPUT"] = input }
    }

    /// Where `actual` departs from `pattern` (nil when it matches): objects match on the pattern's keys, arrays
    /// element by element with the same length, `"<…>"` matches anything.
    static func mismatch(_ pattern: JSONValue, _ actual: JSONValue, path: String) -> String? {
        switch pattern {
        case .string("<…>"): return nil
        case .object(let fields):
            guard case .object(let object) = actual else { return "\(path): expected an object" }
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                guard let found = object[key] else { return "\(path).\(key): missing" }
                if let problem = mismatch(value, found, path: "\(path).\(key)") { return problem }
            }
            return nil
        case .array(let elements):
            guard case .array(let items) = actual, items.count == elements.count else {
                return "\(path): expected an array of \(elements.count)"
            }
            for (index, element) in elements.enumerated() {
                if let problem = mismatch(element, items[index], path: "\(path)[\(index)]") { return problem }
            }
            return nil
        default:
            return pattern == actual ? nil : "\(path): expected \(pattern.compactText()), got \(actual.compactText())"
        }
    }
}

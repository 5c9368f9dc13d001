import Foundation
import MeerkatCore
import NIOHTTP1
import Testing

/// Runs the request/response examples of docs/rest.md against a live server.
@Suite("REST doc examples")
struct RESTDocExamplesTests {
    struct Example {
        var method: String
        var path: String
        var body: String?
        var status: Int
        var expected: JSONValue?
    }

    /// The `http` / `http-response` block pairs of the document, in order.
    static func examples(_ text: String) throws -> [Example] {
        var blocks: [(String, String)] = []
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            guard line == "```http" || line == "```http-response" else { continue }
            var content: [String] = []
            while let inner = lines.popFirst(), inner != "```" { content.append(inner) }
            blocks.append((String(line.dropFirst(3)), content.joined(separator: "\n")))
        }
        var out: [Example] = []
        var index = 0
        while index + 1 < blocks.count {
            let (kind, request) = blocks[index]
            let (nextKind, response) = blocks[index + 1]
            guard kind == "http", nextKind == "http-response" else {
                throw HarnessError("docs/rest.md: an http block must be followed by an http-response block")
            }
            let requestParts = request.components(separatedBy: "\n\n")
            let start = requestParts[0].split(separator: "\n")[0].split(separator: " ")
            let responseParts = response.components(separatedBy: "\n\n")
            let status = Int(responseParts[0].split(separator: " ")[0]) ?? 0
            out.append(
                Example(
                    method: String(start[0]), path: String(start[1]),
                    body: requestParts.count > 1 ? requestParts[1] : nil, status: status,
                    expected: responseParts.count > 1 ? try JSONValue.parse(responseParts[1]) : nil))
            index += 2
        }
        return out
    }

    /// Every key of `expected` (recursively into objects, and into the first element of arrays) is in `actual`.
    static func missingKeys(_ expected: JSONValue, _ actual: JSONValue?, path: String = "") -> [String] {
        switch expected {
        case .object(let object):
            guard case .object(let given)? = actual else { return [path.isEmpty ? "<root>" : path] }
            return object.flatMap { key, value in
                given[key] == nil ? ["\(path)\(key)"] : missingKeys(value, given[key], path: "\(path)\(key).")
            }
        case .array(let items):
            guard let first = items.first, case .array(let given)? = actual, let actualFirst = given.first else {
                return []
            }
            return missingKeys(first, actualFirst, path: path)
        default: return []
        }
    }

    @Test func everyExampleOfTheDocumentRunsAsShown() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/rest.md")
        let examples = try Self.examples(try String(contentsOf: docs, encoding: .utf8))
        #expect(examples.count >= 15)
        let harness = try await RESTHarness.start()
        var session = ""
        var input = ""
        for example in examples {
            let path = example.path.replacingOccurrences(of: "{session}", with: session)
                .replacingOccurrences(of: "{input}", with: input)
            let reply = try await harness.request(
                HTTPMethod(rawValue: example.method), path, raw: example.body.map { Data($0.utf8) })
            #expect(reply.status == example.status, "\(example.method) \(path): \(reply.text)")
            if let expected = example.expected {
                #expect(Self.missingKeys(expected, reply.json) == [], "\(example.method) \(path): \(reply.text)")
                if case .string(let code)? = expected["error"]?["code"] {
                    #expect(reply.json?["error"]?["code"]?.stringValue == code)
                }
            }
            if let id = reply.json?["session"]?["id"]?.stringValue { session = id }
            if let id = reply.json?["input_id"]?.stringValue { input = id }
        }
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }
}

import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import MeerkatTesting
import NIOHTTP1
import Testing

/// Thousands of random and mutated requests generated from the OpenAPI document: no crash, and every answer is a
/// documented status with a body matching the document.
@Suite("REST fuzz")
struct RESTFuzzTests {
    static let seed: UInt64 = 0x5EED_13A

    @Test func randomAndMutatedRequestsGetOnlyDocumentedAnswers() async throws {
        var random = SeededRandom(seed: Self.seed)
        let harness = try await RESTHarness.start(
            limits: ServerLimits(maxBodyBytes: 8_192, maxWaitSeconds: 5),
            service: SessionServiceOptions(maxActiveInputsPerSession: 4))
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        guard case .object(let paths)? = OpenAPIContract.document["paths"] else {
            Issue.record("paths")
            return
        }
        let operations = paths.flatMap { path, item -> [(String, String)] in
            guard case .object(let methods) = item else { return [] }
            return methods.keys.map { (path, $0.uppercased()) }
        }.sorted { "\($0)" < "\($1)" }
        let valid: [String: JSONValue] = [
            "CreateSessionRequest": ["intent": ["labels": ["k": "v"]], "instructions": ["be brief"]],
            "InputRequest": ["input_type": "prompt", "content": "fuzz", "handling_mode": "queue"],
            "SessionLLMReconfigureRequest": ["model": "mock-model"],
            "SwitchTurnRequest": ["target_model": "mock-model", "turns": 1],
        ]
        let count = 2_500
        for index in 0..<count {
            let (template, documentedMethod) = operations.randomElement(using: &random)!
            let method =
                random.next() % 10 == 0
                ? ["GET", "POST", "DELETE", "PUT"].randomElement(using: &random)! : documentedMethod
            var path = template.replacingOccurrences(
                of: "{id}",
                with: random.next() % 4 == 0 ? Self.junk(&random) : (random.next() % 8 == 0 ? String(id.prefix(8)) : id)
            )
            path = path.replacingOccurrences(
                of: "{input_id}", with: random.next() % 2 == 0 ? UUID().uuidString : Self.junk(&random))
            // Deleting and archiving the one session would end the run early; fuzz those on throwaway ids only.
            if method == "DELETE" || template.hasSuffix("/archive") || template.hasSuffix("/retire")
                || template.hasSuffix("/stop") || template.hasSuffix("/reset") || template.hasSuffix("/events")
            {
                path = path.replacingOccurrences(of: id, with: "00000000-0000-4000-8000-00000000000\(index % 10)")
            }
            if random.next() % 3 == 0 { path += Self.query(&random) }
            if template.hasSuffix("/events"), method == "GET" { continue }
            let schema = OpenAPIContract.document["paths"]?[template]?[documentedMethod.lowercased()]?["requestBody"]?[
                "content"]?["application/json"]?["schema"]?["$ref"]?.stringValue?.split(separator: "/").last.map(
                    String.init)
            var body: Data?
            var contentType = "application/json"
            switch random.next() % 6 {
            case 0: body = nil
            case 1: body = Data(Self.mutate(schema.flatMap { valid[$0] } ?? .object([:]), &random).compactText().utf8)
            case 2: body = Data((schema.flatMap { valid[$0] } ?? .object([:])).compactText().utf8)
            case 3: body = Data((0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            case 4:
                body = Data(Self.randomJSON(&random, depth: 3).compactText().utf8)
                if random.next() % 2 == 0 { contentType = "text/plain" }
            default: body = Data(repeating: UInt8(ascii: "a"), count: 9_000)
            }
            let verb = HTTPMethodName(method)
            let reply = try await harness.request(verb.method, path, raw: body, contentType: contentType)
            #expect(reply.status != 500, "\(method) \(path) → \(reply.status) \(reply.text)")
        }
        #expect(try await harness.request(.GET, "/health").status == 200)
        let problems = harness.recorder.problems()
        #expect(problems.isEmpty, "\(problems.prefix(20))")
        try await harness.stop()
    }

    static func junk(_ random: inout SeededRandom) -> String {
        ["x", "last", "%20", "..", "abc-def", String(repeating: "f", count: 40), "00000000"].randomElement(
            using: &random)!
    }

    static func query(_ random: inout SeededRandom) -> String {
        let names = ["limit", "offset", "wait", "active", "label", "after", "include_archived"]
        let values = ["1", "-1", "true", "nope", "k:v", "99999999999999999999", "", "0"]
        return "?\(names.randomElement(using: &random)!)=\(values.randomElement(using: &random)!)"
    }

    static func randomJSON(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        switch random.next() % (depth > 0 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .number(Double(Int64(bitPattern: random.next() % 2_000_000) - 1_000_000))
        case 3: return .string(junk(&random))
        case 4: return .string("")
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in randomJSON(&random, depth: depth - 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int(random.next() % 4) {
                let key = ["input_type", "content", "intent", "model", "header", junk(&random)].randomElement(
                    using: &random)!
                object[key] = randomJSON(&random, depth: depth - 1)
            }
            return .object(object)
        }
    }

    /// A valid body with one field removed, retyped or added.
    static func mutate(_ value: JSONValue, _ random: inout SeededRandom) -> JSONValue {
        guard case .object(var object) = value, let key = object.keys.sorted().randomElement(using: &random) else {
            return randomJSON(&random, depth: 2)
        }
        switch random.next() % 3 {
        case 0: object.removeValue(forKey: key)
        case 1: object[key] = randomJSON(&random, depth: 2)
        default: object[junk(&random)] = randomJSON(&random, depth: 1)
        }
        return .object(object)
    }
}

/// Maps a method name to the client's method type.
struct HTTPMethodName {
    let method: NIOHTTP1.HTTPMethod
    init(_ name: String) {
        method = NIOHTTP1.HTTPMethod(rawValue: name)
    }
}

import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import MeerkatTesting
import Testing

/// Bad input over a real socket: each case gets its documented error, the connection keeps serving, and nothing
/// is stored.
@Suite("JSON-RPC bad input", .serialized, .timeLimit(.minutes(1)))
struct RPCBadInputTests {
    /// Sends a raw line and returns the next message that is not the answer to a `call`.
    private func raw(_ client: RPCTestClient, _ line: String) async throws -> JSONValue {
        await client.sendLine(line)
        return try #require(await client.nextUnsolicited())
    }

    private func rawWithID(_ client: RPCTestClient, _ line: String) async throws -> JSONValue {
        // Responses with a client id that is not one of `call`'s own also land in the unsolicited queue.
        try await raw(client, line)
    }

    @Test func envelopesAndParamsGetTheirDocumentedErrors() async throws {
        let server = try await RPCTestServer.start(maxLineBytes: 2048)
        let client = try await server.client()

        let malformed = try await raw(client, #"{"jsonrpc":"2.0","id":1,"method":"session/list""#)
        #expect(malformed["error"]?["code"] == -32700)
        #expect(malformed["id"] == .null)

        let missingVersion = try await raw(client, #"{"id":"x1","method":"session/list"}"#)
        #expect(missingVersion["error"]?["code"] == -32600)
        #expect(missingVersion["error"]?["data"]?["field"] == "jsonrpc")
        #expect(missingVersion["id"] == "x1")

        let badID = try await raw(client, #"{"jsonrpc":"2.0","id":{"a":1},"method":"session/list"}"#)
        #expect(badID["error"]?["code"] == -32600)
        #expect(badID["error"]?["data"]?["field"] == "id")
        #expect(badID["id"] == .null)

        let fractionalID = try await raw(client, #"{"jsonrpc":"2.0","id":1.5,"method":"session/list"}"#)
        #expect(fractionalID["error"]?["code"] == -32600)

        let noMethod = try await raw(client, #"{"jsonrpc":"2.0","id":"x2"}"#)
        #expect(noMethod["error"]?["data"]?["field"] == "method")

        let unknown = try await raw(client, #"{"jsonrpc":"2.0","id":"x3","method":"session/explode"}"#)
        #expect(unknown["error"]?["code"] == -32601)

        let positional = try await raw(client, #"{"jsonrpc":"2.0","id":"x4","method":"session/read","params":["a"]}"#)
        #expect(positional["error"]?["code"] == -32602)

        let wrongType = try await raw(
            client, #"{"jsonrpc":"2.0","id":"x5","method":"session/list","params":{"limit":"ten"}}"#)
        #expect(wrongType["error"]?["code"] == -32602)
        #expect(wrongType["error"]?["data"]?["field"] == "limit")

        let unknownField = try await raw(
            client, #"{"jsonrpc":"2.0","id":"x6","method":"session/list","params":{"limt":10}}"#)
        #expect(unknownField["error"]?["data"]?["field"] == "limt")

        let badIntent = try await raw(
            client, #"{"jsonrpc":"2.0","id":"x7","method":"session/create","params":{"intent":{"max_tokens":"many"}}}"#)
        #expect(badIntent["error"]?["code"] == -32602)
        #expect(badIntent["error"]?["data"]?["field"] == "intent")

        let unknownSession = try await raw(
            client,
            #"{"jsonrpc":"2.0","id":"x8","method":"input/accept","params":{"session_id":"00000000-0000-7000-8000-000000000000","prompt":"hi"}}"#
        )
        #expect(unknownSession["error"]?["code"] == -32001)
        #expect(unknownSession["error"]?["data"]?["code"] == "session_not_found")

        let overlong = try await raw(client, String(repeating: "x", count: 5000))
        #expect(overlong["error"]?["code"] == -32004)

        let emptyBatch = try await raw(client, "[]")
        #expect(emptyBatch["error"]?["code"] == -32600)

        // A batch: answers for the requests, none for the notification, an error for the bad element.
        let batch = try await raw(
            client,
            #"[{"jsonrpc":"2.0","id":"b1","method":"session/list"},{"jsonrpc":"2.0","method":"session/list"},7]"#)
        let answers = try #require(batch.arrayValue)
        #expect(answers.count == 2)
        #expect(answers[0]["id"] == "b1" && answers[0]["result"] != nil)
        #expect(answers[1]["error"]?["code"] == -32600)

        // A notification with an unknown method gets no answer; the next request still does.
        await client.sendLine(#"{"jsonrpc":"2.0","method":"no/such"}"#)
        let list = try await client.result("session/list", ["include_archived": true])
        #expect(list["sessions"] == [])
        #expect(try await server.service.listSessions(SessionQuery(includeArchived: true)).isEmpty)
        #expect(server.mock.requests.isEmpty)
        await client.close()
        await server.stop()
    }

    @Test func seededFuzzGetsOnlyDocumentedCodesAndTheServerKeepsServing() async throws {
        let server = try await RPCTestServer.start(maxLineBytes: 4096)
        let client = try await server.client()
        let documented = Set(RPCErrorCode.allCases.map(\.rawValue))
        var generator = SeededRandom(seed: 0x5eed_13b)
        let sessionID = "00000000-0000-7000-8000-00000000abcd"
        // Every method of the surface, mutated params; turn-starting methods are left out (they would need a
        // session and call the model) except with ids that name no session.
        let methods = RPCServer.methods + ["tool/execute", "", "session/", "SESSION/LIST", "rpc.discover"]
        let values: [JSONValue] = [
            .null, true, false, 0, -1, 1e300, 3.5, "", "x", .string(sessionID), "last", "queue", "steer", [], [1, "a"],
            [:], ["type": "object"], .string(String(repeating: "z", count: 300)),
        ]
        let keys = [
            "session_id", "input_id", "prompt", "input", "wait", "limit", "offset", "labels", "intent", "tools",
            "handling_mode", "idempotency_key", "after_seq", "subscription_id", "auth_token", "duration", "model",
            "protocol_version", "instructions", "creation_key", "return_on_callback", "bogus",
        ]
        for round in 0..<3000 {
            let line: String
            switch round % 4 {
            case 0:
                // Random bytes (valid UTF-8), often not JSON at all.
                let alphabet = Array(#"{}[]",:0123456789.-eE truefalsnul\"jsonrpcidmethodparams"#)
                line = String(
                    (0..<Int.random(in: 1...80, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    })
            default:
                var object: [String: JSONValue] = [
                    "jsonrpc": "2.0", "method": .string(methods.randomElement(using: &generator)!),
                ]
                if Bool.random(using: &generator) { object["id"] = .string("f\(round)") }
                var params: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    params[keys.randomElement(using: &generator)!] = values.randomElement(using: &generator)!
                }
                // Only unknown sessions: nothing may start a turn on a real model.
                if params["session_id"] != nil { params["session_id"] = .string(sessionID) }
                if params["session_id"] == nil, ["session/create"].contains(object["method"]?.stringValue ?? "") {
                    params["intent"] = ["model": .string("no-such-model-\(round % 7)")]
                }
                object["params"] =
                    Int.random(in: 0..<10, using: &generator) == 0
                    ? values.randomElement(using: &generator)! : .object(params)
                if Int.random(in: 0..<12, using: &generator) == 0 { object.removeValue(forKey: "jsonrpc") }
                if Int.random(in: 0..<12, using: &generator) == 0 {
                    object["id"] = values.randomElement(using: &generator)!
                }
                line = JSONValue.object(object).compactText()
            }
            await client.sendLine(line)
            if round % 100 == 99 {
                // Drain: a ping-like request whose answer proves every earlier line was handled.
                let answer = await client.call("session/list", ["include_archived": true])
                #expect(answer["result"] != nil, "server stopped serving after round \(round)")
            }
        }
        let final = await client.call("session/list", ["include_archived": true])
        #expect(final["result"] != nil)
        var codes: [Int] = []
        while let message = await client.nextUnsolicitedNow() {
            if let code = message["error"]?["code"]?.intValue { codes.append(code) }
            for element in message.arrayValue ?? [] {
                if let code = element["error"]?["code"]?.intValue { codes.append(code) }
            }
        }
        #expect(!codes.isEmpty)
        let undocumented = codes.filter { !documented.contains($0) }
        #expect(undocumented.isEmpty, "undocumented codes: \(Set(undocumented))")
        #expect(!codes.contains(-32603), "internal errors under fuzzing")
        #expect(server.mock.requests.isEmpty)
        await client.close()
        await server.stop()
    }
}

import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import Testing

/// CORS is off unless configured, and then answers browsers' preflights; an SSE client that does not read never
/// holds up a run, and loses nothing when it resumes.
@Suite("REST CORS and slow clients")
struct RESTCORSAndSlowClientTests {
    @Test func corsIsOffByDefault() async throws {
        let harness = try await RESTHarness.start()
        let health = try await harness.request(.GET, "/health")
        #expect(health.status == 200)
        #expect(health.headers.first(name: "Access-Control-Allow-Origin") == nil)
        let preflight = try await harness.request(
            .OPTIONS, "/sessions",
            headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")])
        #expect(preflight.status == 404 || preflight.status == 405)
        #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == nil)
        #expect(preflight.json?["error"]?["code"] != nil, "a typed error body: \(preflight.text)")
        try await harness.stop()
    }

    @Test func configuredCORSAnswersPreflightsWithoutCredentialsAndTagsResponses() async throws {
        let harness = try await RESTHarness.start(token: "s3cret-token", corsOrigin: "https://app.example")
        let preflight = try await harness.request(
            .OPTIONS, "/sessions",
            headers: [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")], authorize: false)
        #expect(preflight.status == 204)
        #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "https://app.example")
        let methods = preflight.headers.first(name: "Access-Control-Allow-Methods") ?? ""
        #expect(methods.contains("POST") && methods.contains("DELETE"))
        let allowed = preflight.headers.first(name: "Access-Control-Allow-Headers") ?? ""
        #expect(allowed.contains("Authorization") && allowed.contains("Last-Event-ID"))
        // A real request still needs the token; its error carries the CORS header so the browser can read it.
        let refused = try await harness.request(.GET, "/sessions", authorize: false)
        #expect(refused.status == 401)
        #expect(refused.headers.first(name: "Access-Control-Allow-Origin") == "https://app.example")
        let listed = try await harness.request(.GET, "/sessions")
        #expect(listed.status == 200)
        #expect(listed.headers.first(name: "Access-Control-Allow-Origin") == "https://app.example")
        try await harness.stop()
    }

    @Test func anSSEClientThatDoesNotReadNeverBlocksARunAndLosesNothing() async throws {
        var options = SessionServiceOptions()
        options.eventLog.subscriberBuffer = 1
        let harness = try await RESTHarness.start(service: options)
        do {
            try await Self.slowClientScenario(harness)
        } catch {
            Issue.record("slow client scenario failed: \(error)")
        }
        try await harness.stop()
    }

    static func slowClientScenario(_ harness: RESTHarness) async throws {
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        // Connected, then never read while three runs go to completion.
        let idle = try await harness.events(id, after: 0)
        for index in 1...3 {
            let done = try await harness.request(
                .POST, "/sessions/\(id)/inputs?wait=true",
                json: ["input_type": "prompt", "content": .string("run \(index) with a few words to stream")])
            #expect(done.json?["completion"]?["completion_type"]?.stringValue == "completed")
        }
        let last = try await harness.service.lastLoggedEventSeq(try #require(SessionID(id)))
        // What the slow reader got (all of it, or a prefix when it fell behind and was disconnected), plus a resume
        // from its last id, is every logged event exactly once.
        var received: [UInt64] = []
        while received.last != last, let event = try await idle.next() {
            if let seq = event.id { received.append(seq) }
        }
        if received.last != last {
            let resumed = try await harness.events(id, lastEventID: received.last ?? 0)
            received += try await resumed.until { $0.id == last }.compactMap(\.id)
        }
        #expect(received == Array(1...last))
    }
}

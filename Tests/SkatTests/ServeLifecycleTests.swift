import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `skat serve` as a real subprocess: SIGTERM lets the running turn finish and exits 0; SIGKILL right after an
/// acknowledged input loses nothing.
@Suite("skat serve lifecycle", .serialized)
struct ServeLifecycleTests {
    /// Waits (polling the captured stdout, bounded) for the line announcing the bound port.
    private func boundPort(of running: SkatRunning) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, running.isRunning {
            if let range = running.stdoutSoFar.range(of: "listening on http://127.0.0.1:") {
                let digits = running.stdoutSoFar[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), running.stdoutSoFar[range.upperBound...].contains("\n") { return port }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SkatTestFailure("skat serve did not report its port: \(running.stdoutSoFar)")
    }

    private func call(_ port: Int, _ method: String, _ path: String, _ body: String? = nil) async throws
        -> (Int, JSONValue?)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONValue.parse(data))
    }

    /// A slowly streaming mock model and a `skat serve` child on a free port, in a new sandbox.
    private func startServe() async throws -> (MockProviderServer, SkatSandbox, SkatRunning, Int) {
        var stream = MockStreamOptions()
        stream.chunkDelay = .milliseconds(40)
        let mock = MockProviderServer(configuration: .init(ruleStreamOptions: stream))
        try await mock.start()
        let sandbox = try SkatSandbox(mockBaseURL: mock.baseURL)
        let server = try sandbox.start(["serve", "--port", "0"])
        return (mock, sandbox, server, try await boundPort(of: server))
    }

    @Test func sigtermFinishesTheRunningTurnAndExitsZero() async throws {
        let (mock, sandbox, server, port) = try await startServe()
        defer { Task { await mock.stop() } }
        let (created, session) = try await call(port, "POST", "/sessions", #"{"intent": {"model": "gpt-5.4"}}"#)
        #expect(created == 201)
        let id = try #require(session?["session"]?["id"]?.stringValue)
        let (accepted, outcome) = try await call(
            port, "POST", "/sessions/\(id)/inputs",
            #"{"input_type": "prompt", "content": "a long answer please, with many words in it"}"#)
        #expect(accepted == 202)
        let input = try #require(outcome?["input_id"]?.stringValue)
        #expect(await mock.waitForRequests(1, timeout: .seconds(30)), "the turn started")
        server.terminate()
        let result = await server.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("skat serve stopped"))

        // The turn finished before the exit: after a restart the input is consumed and no model call is repeated.
        let again = try sandbox.start(["serve", "--port", "0"])
        let port2 = try await boundPort(of: again)
        let (status, row) = try await call(port2, "GET", "/sessions/\(id)/inputs/\(input)")
        #expect(status == 200)
        #expect(row?["current_state"]?.stringValue == "consumed", "\(row?.compactText() ?? "")")
        #expect(mock.requests.count == 1)
        again.terminate()
        #expect(await again.finish().status == 0)
        try? FileManager.default.removeItem(at: sandbox.root)
    }

    @Test func sigkillAfterAnAcknowledgedInputLosesNothing() async throws {
        let (mock, sandbox, server, port) = try await startServe()
        defer { Task { await mock.stop() } }
        let (_, session) = try await call(port, "POST", "/sessions", #"{"intent": {"model": "gpt-5.4"}}"#)
        let id = try #require(session?["session"]?["id"]?.stringValue)
        let body = #"{"input_type": "prompt", "content": "survive a kill", "idempotency_key": "kill-1"}"#
        let (accepted, outcome) = try await call(port, "POST", "/sessions/\(id)/inputs", body)
        #expect(accepted == 202)
        let input = try #require(outcome?["input_id"]?.stringValue)
        server.killNow()
        _ = await server.finish()

        let again = try sandbox.start(["serve", "--port", "0"])
        let port2 = try await boundPort(of: again)
        let (status, _) = try await call(port2, "GET", "/sessions/\(id)/inputs/\(input)")
        #expect(status == 200, "the acknowledged input is stored")
        // The retry with the same key joins the recovered input and waits for its outcome.
        let (waited, completion) = try await call(port2, "POST", "/sessions/\(id)/inputs?wait=true", body)
        #expect(waited == 200)
        #expect(completion?["outcome"]?["outcome_type"]?.stringValue == "deduplicated")
        #expect(completion?["input_id"]?.stringValue == input)
        #expect(completion?["completion"]?["completion_type"]?.stringValue == "completed")
        again.terminate()
        #expect(await again.finish().status == 0)
        try? FileManager.default.removeItem(at: sandbox.root)
    }
}

import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end: `--log-level`, `SKAT_LOG` and `--log-file`; no log line ever carries an API key.
@Suite("skat logging", .serialized)
struct LoggingTests {
    private static let key = "sk-live-0123456789-SECRET"

    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer(configuration: .init(apiKey: Self.key))
        try await server.start()
        return server
    }

    @Test func traceLogsShowTheModelCallsButNeverTheKey() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL, extraEnvironment: ["OPENAI_API_KEY": Self.key])
        let result = try await sandbox.run([
            "run", "--log-level", "trace", "--log-file", "-m", "gpt-5.4", "-t", "safe", "-o", "json",
            #"call tool read_file {"path": "notes.txt"}"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.jsonLines.first?["status"] == "completed")
        #expect(result.stderr.contains("trace skat: stream event"))
        #expect(result.stderr.contains("debug skat: model call started"))
        #expect(result.stderr.contains("info skat: session created"))
        #expect(result.stderr.contains("endpoint=\(server.baseURL)/v1"))
        #expect(!result.stderr.contains(Self.key) && !result.stdout.contains(Self.key))
        // The realm's log file got the same lines, also without the key.
        let realms = sandbox.project.appendingPathComponent(".skat/realms")
        let realm = try #require(try FileManager.default.contentsOfDirectory(atPath: realms.path).first)
        let file = try String(
            contentsOf: realms.appendingPathComponent(realm).appendingPathComponent("logs/skat.log"), encoding: .utf8)
        #expect(file.contains("model call finished"))
        #expect(!file.contains(Self.key))
    }

    @Test func environmentLevelAndQuietDefault() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(
            mockBaseURL: server.baseURL, extraEnvironment: ["OPENAI_API_KEY": Self.key, "SKAT_LOG": "debug"])
        let debug = try await sandbox.run(["run", "-m", "gpt-5.4", "-q", "hi"])
        #expect(debug.status == 0, "\(debug.stderr)")
        #expect(debug.stderr.contains("debug skat: model call finished"))
        #expect(!debug.stderr.contains(" trace "))
        #expect(!debug.stderr.contains(Self.key))
        let quiet = try SkatSandbox(mockBaseURL: server.baseURL, extraEnvironment: ["OPENAI_API_KEY": Self.key])
        let plain = try await quiet.run(["run", "-m", "gpt-5.4", "-q", "hi"])
        #expect(plain.status == 0 && plain.stderr.isEmpty)
        let bad = try await quiet.run(["run", "--log-level", "loud", "hi"])
        #expect(bad.status == 64 && bad.stderr.contains("log-level"))
    }
}

import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import NIOCore

/// The `providers` suite: SSE parse throughput, and the per-request cost of a provider client over a bare
/// AsyncHTTPClient loop against the local mock provider.
func providersBenchmark() async throws {
    try sseParseThroughput()
    try await clientOverhead()
}

/// Parses a realistic Anthropic-style stream (text deltas, pings, CRLF and LF mixed) fed in 16 KiB chunks.
private func sseParseThroughput() throws {
    let event =
        "event: content_block_delta\n"
        + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße, ein kleiner Satz 🦊"}}"#
        + "\n\n: ping\r\n\r\n"
    let stream = Array(String(repeating: event, count: 40_000).utf8)
    let chunkSize = 16 * 1024
    let rounds = 10
    var events = 0
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        for _ in 0..<rounds {
            var parser = SSEParser()
            var start = 0
            while start < stream.count {
                let end = min(start + chunkSize, stream.count)
                try stream[start..<end].withUnsafeBytes { raw in
                    try parser.parse(raw) { item in
                        if case .event = item { events += 1 }
                    }
                }
                start = end
            }
            _ = parser.finish()
        }
    }
    let megabytes = Double(stream.count * rounds) / 1_048_576
    let seconds = elapsed.seconds
    print(
        String(
            format: "sse parse: %.1f MB in %.3f s = %.1f MB/s, %.0f events/s", megabytes, seconds, megabytes / seconds,
            Double(events) / seconds))
}

/// Mean latency per request: bare AsyncHTTPClient POST + drain vs `ChatCompletionsClient.stream` to `.done`.
private func clientOverhead() async throws {
    let server = MockProviderServer(configuration: .init(apiKey: "bench-key"))
    try await server.start()
    let client = ChatCompletionsClient(apiKey: APIKey("bench-key"), baseURL: server.baseURL, environment: [:])
    let request = LLMRequest(
        model: "gpt-5.4",
        messages: [.user(content: [.text("hello bench")], transcriptRole: .conversational, createdAt: Date())],
        maxTokens: 256)
    let body = try Array(WireJSON.encoder().encode(client.wireBody(for: request)))
    let url = server.baseURL + "/v1/chat/completions"

    @Sendable func bare() async throws {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "content-type", value: "application/json")
        http.headers.add(name: "authorization", value: "Bearer bench-key")
        http.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPTransport.shared.client.execute(http, timeout: .seconds(30))
        for try await _ in response.body {}
    }
    @Sendable func viaClient() async throws {
        for await event in client.stream(request) {
            if case .done(.failure(let error)) = event { throw error }
        }
    }

    for (label, concurrency, count) in [("sequential", 1, 400), ("8 in flight", 8, 1600)] {
        for _ in 0..<20 {
            try await bare()
            try await viaClient()
        }
        let connectionsBefore = server.connectionCount
        let bareTime = try await measure(count: count, concurrency: concurrency, bare)
        let connectionsAfterBare = server.connectionCount
        let clientTime = try await measure(count: count, concurrency: concurrency, viaClient)
        print(
            "\(label): new connections: bare \(connectionsAfterBare - connectionsBefore), "
                + "client \(server.connectionCount - connectionsAfterBare)")
        let bareMicros = bareTime.seconds / Double(count) * 1e6
        let clientMicros = clientTime.seconds / Double(count) * 1e6
        print(
            String(
                format:
                    "%@: bare AHC %.0f µs/request, ChatCompletionsClient %.0f µs/request, overhead %.0f µs (%.0f%%)",
                label, bareMicros, clientMicros, clientMicros - bareMicros, (clientMicros / bareMicros - 1) * 100))
    }
    await server.stop()
}

/// Wall time to run `operation` `count` times with `concurrency` tasks in flight.
private func measure(count: Int, concurrency: Int, _ operation: @escaping @Sendable () async throws -> Void)
    async throws -> Duration
{
    let clock = ContinuousClock()
    return try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                let share = count / concurrency + (worker < count % concurrency ? 1 : 0)
                group.addTask {
                    for _ in 0..<share { try await operation() }
                }
            }
            try await group.waitForAll()
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

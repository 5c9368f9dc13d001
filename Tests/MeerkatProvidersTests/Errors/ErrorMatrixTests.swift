import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

/// Every HTTP error class, in every dialect's own body shape, classified end to end.
@Suite struct ErrorMatrixTests {
    private struct Expectation {
        var kind: LLMError.Kind
        var retryable: Bool
        var status: Int?
        var retryAfter: Duration?
    }

    private func expectation(for error: MockError, _ provider: ProviderUnderTest) -> Expectation {
        switch error {
        case .rateLimited(.seconds(let seconds), let shouldRetry):
            Expectation(kind: .rateLimited, retryable: shouldRetry ?? true, status: 429, retryAfter: .seconds(seconds))
        case .rateLimited(.milliseconds(let millis), _):
            Expectation(kind: .rateLimited, retryable: true, status: 429, retryAfter: .milliseconds(millis))
        case .rateLimited:
            Expectation(kind: .rateLimited, retryable: true, status: 429)
        case .quotaExhausted:
            Expectation(kind: .quotaExceeded, retryable: false, status: 429)
        case .overloaded:
            Expectation(kind: .serverOverloaded, retryable: true, status: provider == .anthropic ? 529 : 503)
        case .server(let status):
            Expectation(kind: status == 503 ? .serverOverloaded : .serverError, retryable: true, status: status)
        case .badGatewayHTML:
            Expectation(kind: .serverError, retryable: true, status: 502)
        case .contextLengthExceeded:
            Expectation(kind: .contextLengthExceeded, retryable: false, status: 400)
        case .unknownModel:
            Expectation(kind: .modelNotFound, retryable: false, status: 404)
        case .unauthorized:
            Expectation(
                kind: provider == .anthropic ? .authenticationFailed : .invalidAPIKey, retryable: false,
                status: provider == .gemini ? 400 : 401)
        case .requestTooLarge:
            Expectation(kind: .requestTooLarge, retryable: false, status: 413)
        case .invalidRequest:
            Expectation(kind: .invalidRequest, retryable: false, status: 400)
        case .emptyBody(let status):
            Expectation(
                kind: status >= 500 ? (status == 503 ? .serverOverloaded : .serverError) : .invalidRequest,
                retryable: status >= 500, status: status)
        }
    }

    private static let errors: [MockError] = [
        .rateLimited(.seconds(2)), .rateLimited(.milliseconds(1500)), .rateLimited(.none),
        .rateLimited(.seconds(2), shouldRetry: false), .quotaExhausted, .overloaded, .server(status: 500),
        .server(status: 503), .server(status: 504), .badGatewayHTML, .contextLengthExceeded, .unknownModel,
        .unauthorized, .requestTooLarge, .invalidRequest("bad field"), .emptyBody(status: 500),
        .emptyBody(status: 400),
    ]

    @Test(arguments: ProviderUnderTest.allCases)
    func everyErrorClassIsTypedWithRetryabilityAndHint(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            for error in Self.errors { server.enqueue(.error(error)) }
            let client = provider.client(server)
            for error in Self.errors {
                let events = await collect(client.stream(provider.request([Fixtures.user("Hi")])))
                let failure = try #require(events.failure, "\(error)")
                let expected = expectation(for: error, provider)
                #expect(failure.kind == expected.kind, "\(error): \(failure)")
                #expect(failure.isRetryable == expected.retryable, "\(error): \(failure)")
                #expect(failure.status == expected.status, "\(error): \(failure)")
                #expect(failure.retryAfter == expected.retryAfter, "\(error): \(failure)")
                #expect(events.doneCount == 1)
            }
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func httpDateRetryAfterBecomesADelay(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.error(.rateLimited(.httpDate(Date().addingTimeInterval(30)))))
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user("Hi")])))
            let delay = try #require(events.failure?.retryAfter)
            #expect(delay > .seconds(25) && delay <= .seconds(31))
        }
    }

    @Test(arguments: ProviderUnderTest.allCases)
    func htmlBodiesGiveAReadableMessage(_ provider: ProviderUnderTest) async throws {
        try await withMockServer { server in
            server.enqueue(.error(.badGatewayHTML))
            let events = await collect(provider.client(server).stream(provider.request([Fixtures.user("Hi")])))
            let message = try #require(events.failure?.message)
            #expect(message.contains("502 Bad Gateway"))
            #expect(!message.contains("<"))
        }
    }

    @Test func failNTimesThenSucceedPlaysInOrder() async throws {
        try await withMockServer { server in
            server.enqueue(.error(.overloaded), .error(.server(status: 500)), .text("finally"))
            let client = ProviderUnderTest.anthropic.client(server)
            var outcomes: [LLMStreamOutcome?] = []
            for _ in 0..<3 {
                outcomes.append(
                    await collect(client.stream(ProviderUnderTest.anthropic.request([Fixtures.user("Hi")]))).outcome)
            }
            #expect(outcomes.count == 3)
            #expect(outcomes[2] == .success(.endTurn))
            #expect(server.pendingScripts == 0)
            #expect(server.requests.count == 3)
        }
    }

    @Test func refusedConnectionIsARetryableTransportError() async throws {
        // Bind and release a port so nothing listens on it. AsyncHTTPClient keeps retrying the connection until the
        // connect timeout, so use the transport with the short one.
        let server = MockProviderServer()
        let port = try await server.start()
        await server.stop()
        let client = AnthropicClient(
            apiKey: APIKey("k"), baseURL: "http://127.0.0.1:\(port)", environment: [:],
            transport: TestTransports.impatient)
        let events = await collect(client.stream(ProviderUnderTest.anthropic.request([Fixtures.user("Hi")])))
        let failure = try #require(events.failure)
        #expect([.connectionReset, .networkTimeout].contains(failure.kind), "\(failure)")
        #expect(failure.isRetryable)
    }
}

import AsyncHTTPClient
import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1

/// Runs one streaming provider call: sends the request, classifies HTTP errors, parses the SSE body and feeds
/// a `StreamDecoder`, enforcing the call deadline and the trailer wait. Cancelling the consumer cancels the
/// HTTP request, which closes its connection.
enum SSEStreamDriver {
    /// Starts the call and returns its event stream.
    static func start(
        _ request: ProviderHTTPRequest, decoder: some StreamDecoder, transport: HTTPTransport,
        timeouts: StreamTimeouts
    ) -> AsyncStream<LLMEvent> {
        let (stream, continuation) = AsyncStream<LLMEvent>.makeStream()
        let emitter = StreamEmitter(continuation)
        continuation.onTermination = { termination in
            // `.finished` is our own `finish`; only a consumer that went away cancels the request.
            if case .cancelled = termination { emitter.cancelProducer() }
        }
        emitter.schedule(
            after: timeouts.callTimeout,
            outcome: .failure(LLMError(.callTimeout, "provider call exceeded \(timeouts.callTimeout)")))
        let producer = Task {
            await pump(request, decoder: decoder, transport: transport, timeouts: timeouts, emitter: emitter)
        }
        emitter.attach(producer: producer)
        return stream
    }

    /// A stream that fails at once (the request could not even be built).
    static func failed(_ error: LLMError) -> AsyncStream<LLMEvent> {
        AsyncStream { continuation in
            continuation.yield(.done(.failure(error)))
            continuation.finish()
        }
    }

    private static func pump<Decoder: StreamDecoder>(
        _ request: ProviderHTTPRequest, decoder initial: Decoder, transport: HTTPTransport, timeouts: StreamTimeouts,
        emitter: StreamEmitter
    ) async {
        var headReceived = false
        do {
            var httpRequest = HTTPClientRequest(url: request.url)
            httpRequest.method = .POST
            for header in request.headers { httpRequest.headers.add(name: header.name, value: header.value) }
            httpRequest.body = .bytes(ByteBuffer(bytes: request.body))
            let response = try await transport.client.execute(
                httpRequest, deadline: .now() + TimeAmount(timeouts.callTimeout))
            headReceived = true
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let body = try await collect(response.body)
                emitter.finish(
                    .failure(ProviderErrorClassifier.classify(status: status, headers: response.headers, body: body)))
                return
            }
            let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
            if contentType.hasPrefix("application/json") {
                let body = try await collect(response.body)
                emitter.finish(.failure(nonStreamingBody(body)))
                return
            }
            var decoder = initial
            var parser = SSEParser()
            var trailerArmed = false
            var iterator = response.body.makeAsyncIterator()
            while let chunk = try await iterator.next() {
                let items = try parser.feed(chunk)
                if handle(items, decoder: &decoder, atEOF: false, trailerArmed: &trailerArmed, emitter, timeouts) {
                    await drain(&iterator, emitter: emitter, wait: timeouts.drainWait)
                    return
                }
            }
            if handle(parser.finish(), decoder: &decoder, atEOF: true, trailerArmed: &trailerArmed, emitter, timeouts) {
                return
            }
            emitter.emit(decoder.finishAtEOF())
        } catch let error as SSEParserError {
            emitter.finish(.failure(LLMError(.streamParseError, error.description)))
        } catch {
            if Task.isCancelled {
                // The consumer went away or a timer already reported the outcome.
                emitter.finish(.success(.cancelled))
            } else {
                emitter.finish(
                    .failure(
                        ProviderErrorClassifier.classify(
                            transportError: error, afterResponseHead: headReceived, url: request.url)))
            }
        }
    }

    /// Feeds parsed items to the decoder; returns true once the stream is finished.
    private static func handle<Decoder: StreamDecoder>(
        _ items: [SSEItem], decoder: inout Decoder, atEOF: Bool, trailerArmed: inout Bool, _ emitter: StreamEmitter,
        _ timeouts: StreamTimeouts
    ) -> Bool {
        for item in items {
            let events: [LLMEvent]
            switch item {
            case .comment:
                events = []
            case .event(let event):
                events = decoder.decode(event, atEOF: atEOF)
            case .unknownField(let name, let value):
                events = decoder.decodeUnknownField(name: name, value: value)
            }
            if events.isEmpty {
                emitter.yield(.liveness)
            } else if emitter.emit(events) {
                return true
            }
            if !trailerArmed, !atEOF, let outcome = decoder.pendingOutcome {
                trailerArmed = true
                emitter.schedule(after: timeouts.trailerWait, outcome: outcome)
            }
        }
        return emitter.isFinished
    }

    /// Reads the rest of a finished response for a short while so its connection can be reused.
    private static func drain(
        _ iterator: inout HTTPClientResponse.Body.AsyncIterator, emitter: StreamEmitter, wait: Duration
    ) async {
        let timer = DeadlineTimer.shared.schedule(after: wait) { emitter.cancelProducer() }
        defer { DeadlineTimer.shared.cancel(timer) }
        var drained = 0
        while drained < 1 << 20, let chunk = try? await iterator.next() {
            drained += chunk.readableBytes
        }
    }

    private static func collect(_ body: HTTPClientResponse.Body) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body where bytes.count < ProviderErrorClassifier.maxErrorBodyBytes {
            bytes += chunk.readableBytesView.prefix(ProviderErrorClassifier.maxErrorBodyBytes - bytes.count)
        }
        return bytes
    }

    /// A JSON body where an event stream was expected: an error envelope, or a server that ignored `stream`.
    private static func nonStreamingBody(_ body: [UInt8]) -> LLMError {
        if let json = try? JSONValue.parse(Data(body)), let error = ProviderErrorClassifier.classifyInBand(json) {
            return error
        }
        return LLMError(
            .streamParseError,
            "expected text/event-stream, got application/json: \(String(decoding: body.prefix(200), as: UTF8.self))")
    }
}

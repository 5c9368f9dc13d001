import AsyncHTTPClient
import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1

/// The streamable HTTP transport: each message is POSTed as JSON; the reply is `application/json` (one message
/// or a batch) or `text/event-stream` (messages as events, read as they arrive). The `Mcp-Session-Id` the
/// server assigns is sent back on every later request and released with DELETE on close.
///
/// A failure to reach the server, a connection lost mid-response or a 404 for an established session closes
/// the transport (the router reconnects); other HTTP errors fail only the request concerned, and a cancelled
/// request aborts only its own HTTP exchange.
actor MCPHTTPTransport: MCPTransport {
    private static let maxJSONBody = 64 * 1024 * 1024
    private static let maxErrorBody = 4096

    nonisolated let repliesInline = true
    private let server: String
    private let url: String
    private let headers: [String: String]
    private let client: HTTPClient
    private var deliver: (@Sendable (MCPTransportEvent) async -> Void)?
    private var sessionID: String?
    private var protocolVersion: String?
    private var closed = false

    /// A transport for `url` adding `headers` to every request.
    init(server: String, url: String, headers: [String: String], client: HTTPClient = .shared) {
        self.server = server
        self.url = url
        self.headers = headers
        self.client = client
    }

    func start(deliver: @escaping @Sendable (MCPTransportEvent) async -> Void) async throws(MCPClientError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", parsed.host != nil
        else {
            throw .launchFailed(server: server, message: "'\(url)' is not an http(s) URL")
        }
        self.deliver = deliver
    }

    func negotiated(protocolVersion: String) async {
        self.protocolVersion = protocolVersion
    }

    func send(_ message: JSONValue) async throws(MCPClientError) {
        if closed { throw .connectionClosed("the HTTP transport is closed") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        applyHeaders(to: &request)
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
        request.body = .bytes(ByteBuffer(string: message.compactText()))

        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .distantFuture)
        } catch {
            if Task.isCancelled { throw .cancelled }
            throw await lose("cannot reach \(url): \(error)")
        }
        if let assigned = response.headers.first(name: "Mcp-Session-Id") { sessionID = assigned }
        let status = Int(response.status.code)
        if status == 404, sessionID != nil {
            throw await lose("the server no longer knows session \(sessionID ?? "")")
        }
        guard (200..<300).contains(status) else {
            let body = (try? await response.body.collect(upTo: Self.maxErrorBody)).map { String(buffer: $0) } ?? ""
            throw .http(status: status, body: body.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if status == 202 || status == 204 { return }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            try await readEventStream(response.body)
        } else {
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: Self.maxJSONBody)
            } catch {
                if Task.isCancelled { throw .cancelled }
                throw await lose("the response from \(url) broke off: \(error)")
            }
            guard body.readableBytes > 0 else { return }
            do {
                try await deliver?(.message(JSONValue.parse(Data(body.readableBytesView))))
            } catch {
                throw .protocolViolation("the server's reply is not JSON: \(error)")
            }
        }
    }

    func close() async {
        guard !closed else { return }
        closed = true
        if let sessionID {
            var request = HTTPClientRequest(url: url)
            request.method = .DELETE
            applyHeaders(to: &request)
            request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID)
            _ = try? await client.execute(request, timeout: .seconds(2))
        }
        await deliver?(.closed("closed by the client"))
    }

    private func applyHeaders(to request: inout HTTPClientRequest) {
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
    }

    private func readEventStream(_ body: HTTPClientResponse.Body) async throws(MCPClientError) {
        var decoder = MCPEventStreamDecoder()
        do {
            for try await chunk in body {
                for data in decoder.feed(chunk.readableBytesView) { await deliverEvent(data) }
            }
        } catch {
            if Task.isCancelled { throw .cancelled }
            throw await lose("the event stream from \(url) broke off: \(error)")
        }
        for data in decoder.finish() { await deliverEvent(data) }
    }

    private func deliverEvent(_ data: String) async {
        // Events that are not JSON-RPC messages (keep-alives with empty data, priming events) are skipped.
        guard let message = try? JSONValue.parse(data) else { return }
        await deliver?(.message(message))
    }

    /// Marks the transport lost, tells the connection, and returns the error for the failed send.
    private func lose(_ reason: String) async -> MCPClientError {
        if !closed {
            closed = true
            await deliver?(.closed(reason))
        }
        return .connectionClosed(reason)
    }
}

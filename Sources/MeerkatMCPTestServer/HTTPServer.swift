import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Serves the streamable HTTP transport on 127.0.0.1: POST carries JSON-RPC, `initialize` opens a session
/// (`Mcp-Session-Id`), `tools/call` is answered as an event stream (a progress notification, then the result),
/// other requests as JSON; notifications get 202; DELETE ends the session. Prints `LISTENING <port>` on stdout.
enum HTTPServer {
    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    // The open sessions; every access goes through `withLock`.
    private static let sessions = Mutex<Set<String>>([])

    static func run(_ logic: TestServerLogic, port: Int) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let bound = server.channel.localAddress?.port ?? 0
        FileHandle.standardOutput.write(Data("LISTENING \(bound)\n".utf8))
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await serve(connection, logic: logic) }
                }
            }
        }
    }

    private static func serve(_ connection: Connection, logic: TestServerLogic) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    try await respond(to: requestHead, body: body, logic: logic, outbound: outbound)
                }
            }
        }
    }

    private static func respond(
        to head: HTTPRequestHead, body: [UInt8], logic: TestServerLogic, outbound: Outbound
    ) async throws {
        let session = head.headers.first(name: "Mcp-Session-Id")
        if head.method == .DELETE {
            if let session { _ = sessions.withLock { $0.remove(session) } }
            return try await send(status: .ok, outbound: outbound)
        }
        guard head.method == .POST else { return try await send(status: .methodNotAllowed, outbound: outbound) }
        guard let message = try? JSONValue.parse(Data(body)) else {
            return try await send(status: .badRequest, text: "body is not JSON", outbound: outbound)
        }
        let method = message["method"]?.stringValue
        var headers = HTTPHeaders()
        if method == "initialize" {
            let id = UUID().uuidString
            sessions.withLock { _ = $0.insert(id) }
            headers.add(name: "Mcp-Session-Id", value: id)
        } else {
            guard let session else {
                return try await send(status: .badRequest, text: "missing Mcp-Session-Id", outbound: outbound)
            }
            guard sessions.withLock({ $0.contains(session) }) else {
                return try await send(status: .notFound, text: "unknown session", outbound: outbound)
            }
        }
        switch logic.handle(message) {
        case .none:
            try await send(status: .accepted, outbound: outbound)
        case .hang:
            // Keep the request open until the client gives up.
            try await Task.sleep(for: .seconds(3600))
        case .crash:
            FileHandle.standardError.write(Data("crashing on request\n".utf8))
            exit(3)
        case .response(let response):
            if method == "tools/call" {
                headers.add(name: "Content-Type", value: "text/event-stream")
                let progress: JSONValue = [
                    "jsonrpc": "2.0", "method": "notifications/progress",
                    "params": ["progressToken": "call", "progress": 1],
                ]
                // Three separate body writes, so the client reads the stream as it arrives.
                try await stream(
                    headers: headers,
                    chunks: [
                        ": stream opened\n\n", "event: message\ndata: \(progress.compactText())\n\n",
                        "event: message\r\ndata: \(response.compactText())\r\n\r\n",
                    ], outbound: outbound)
            } else {
                headers.add(name: "Content-Type", value: "application/json")
                try await send(status: .ok, headers: headers, text: response.compactText(), outbound: outbound)
            }
        }
    }

    private static func stream(headers: HTTPHeaders, chunks: [String], outbound: Outbound) async throws {
        var headers = headers
        headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
        for chunk in chunks { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: chunk)))) }
        try await outbound.write(.end(nil))
    }

    private static func send(
        status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), text: String = "", outbound: Outbound
    ) async throws {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Length", value: String(text.utf8.count))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if !text.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text)))) }
        try await outbound.write(.end(nil))
    }
}

import Foundation
import MeerkatService
import NIOCore
import NIOPosix

/// Serves the line protocol on a TCP address, one concurrent connection per client.
public final class RPCTCPListener: Sendable {
    /// The address actually bound (`host:port`, with the real port when 0 was asked).
    public let boundAddress: String
    /// The bound port.
    public let port: Int
    private let channel: any Channel
    private let task: Task<Void, Never>

    private init(boundAddress: String, port: Int, channel: any Channel, task: Task<Void, Never>) {
        self.boundAddress = boundAddress
        self.port = port
        self.channel = channel
        self.task = task
    }

    /// Binds `host:port` (port 0: any free port) and starts accepting connections.
    public static func start(
        host: String, port: Int, maxLineBytes: Int, protocol lineProtocol: RPCLineProtocol
    ) async throws -> RPCTCPListener {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try RPCChannel.wrap(channel, maxLineBytes: maxLineBytes) }
            }
        guard let bound = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw RPCConfigurationError("the listener has no local port")
        }
        let task = Task<Void, Never> {
            try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await RPCChannel.serve(connection, protocol: lineProtocol) }
                    }
                }
            }
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return RPCTCPListener(boundAddress: "\(shownHost):\(bound)", port: bound, channel: server.channel, task: task)
    }

    /// Waits until the listener stops (it runs until `stop()`).
    public func wait() async {
        await task.value
    }

    /// Stops accepting and closes every connection.
    public func stop() async {
        try? await channel.close()
        task.cancel()
        await task.value
    }
}

import MeerkatService
import NIOCore
import NIOPosix

/// Serves the line protocol on the process's stdin and stdout until stdin ends.
public enum RPCStdioTransport {
    /// Runs until stdin reaches end of file; stdout carries only protocol lines.
    public static func run(maxLineBytes: Int, protocol lineProtocol: RPCLineProtocol) async throws {
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .takingOwnershipOfDescriptors(input: 0, output: 1) { channel in
                channel.eventLoop.makeCompletedFuture { try RPCChannel.wrap(channel, maxLineBytes: maxLineBytes) }
            }
        await RPCChannel.serve(channel, protocol: lineProtocol)
    }
}

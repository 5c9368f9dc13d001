import MeerkatService
import NIOCore

/// Runs the line protocol over one NIO channel (a TCP connection or the stdio pipe pair).
enum RPCChannel {
    typealias Async = NIOAsyncChannel<RPCFrame, ByteBuffer>

    /// Adds the line decoder and wraps the channel for async use (call on the channel's event loop).
    static func wrap(_ channel: any Channel, maxLineBytes: Int) throws -> Async {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(RPCFrameDecoder(maxLineBytes: maxLineBytes)))
        return try Async(wrappingChannelSynchronously: channel)
    }

    /// Serves the channel until the client closes it (or the task is cancelled).
    static func serve(_ channel: Async, protocol lineProtocol: RPCLineProtocol) async {
        try? await channel.executeThenClose { inbound, outbound in
            let connection = RPCConnection { line in
                var buffer = ByteBuffer()
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                do {
                    try await outbound.write(buffer)
                    return true
                } catch {
                    return false
                }
            }
            await lineProtocol.serve(inbound, connection: connection)
        }
    }
}

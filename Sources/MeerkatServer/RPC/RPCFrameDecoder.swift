public import NIOCore

/// One inbound unit of a newline-delimited JSON stream.
public enum RPCFrame: Sendable, Equatable {
    /// A complete line without its terminator (a trailing `\r` is dropped too).
    case line(ByteBuffer)
    /// A line longer than the limit: its bytes were discarded up to the next newline.
    case overlong(bytes: Int)
}

/// Splits a byte stream into lines of at most `maxLineBytes` bytes. A longer line is not buffered: its bytes are
/// dropped as they arrive and one `.overlong` frame is emitted when its newline comes, so the connection can answer
/// with an error and go on serving.
public struct RPCFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RPCFrame

    public let maxLineBytes: Int
    /// Bytes of the current overlong line dropped so far (nil while the current line is within the limit).
    private var discarding: Int?

    public init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let readable = buffer.readableBytesView
        if let newline = readable.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex
            if let dropped = discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = nil
                context.fireChannelRead(wrapInboundOut(.overlong(bytes: dropped + length)))
                return .continue
            }
            guard length <= maxLineBytes else {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.overlong(bytes: length)))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        if discarding != nil || buffer.readableBytes > maxLineBytes {
            discarding = (discarding ?? 0) + buffer.readableBytes
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        let state = try decode(context: context, buffer: &buffer)
        if state == .continue { return .continue }
        // A last line without a newline still counts.
        if let dropped = discarding {
            discarding = nil
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.overlong(bytes: dropped)))
        } else if buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .needMoreData
    }
}

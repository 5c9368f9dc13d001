import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a server process's stdout as newline-delimited messages and drains its stderr (keeping a tail for
/// error messages), on a dedicated thread that blocks in `poll`.
///
/// Ends at stdout's end-of-file, or when `stop()` is called (the process exited or is being closed), after
/// reading whatever stdout still holds.
final class MCPProcessReader: Sendable {
    private static let stderrLimit = 4096

    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let onLine: @Sendable (Data) -> Void
    private let onEnd: @Sendable () -> Void
    // The last bytes of stderr; every access goes through `withLock`.
    private let stderrTail = Mutex(Data())
    // True once the wake-up pipe is closed, so a late `stop()` never writes to a reused descriptor.
    private let wakeClosed = Mutex(false)

    /// Takes ownership of the read ends and of the wake-up pipe.
    init(
        stdout: Int32, stderr: Int32, wake: (read: Int32, write: Int32),
        onLine: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable () -> Void
    ) {
        self.stdoutFD = stdout
        self.stderrFD = stderr
        self.wakeRead = wake.read
        self.wakeWrite = wake.write
        self.onLine = onLine
        self.onEnd = onEnd
    }

    /// Starts the reader thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "meerkat-mcp-stdout"
        thread.start()
    }

    /// Reads what stdout still holds, then ends.
    func stop() {
        wakeClosed.withLock { closed in
            guard !closed else { return }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// The last few KiB the server wrote to stderr.
    var stderrText: String {
        String(decoding: stderrTail.withLock { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func run() {
        var descriptors = [
            pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending = Data()
        var draining = false
        loop: while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), draining ? 0 : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { break }  // draining and nothing left
            if descriptors[2].revents != 0 {
                draining = true
                descriptors[2].fd = -1
            }
            for index in 0..<2 where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if index == 0 {
                        pending.append(contentsOf: buffer[0..<count])
                        emitLines(from: &pending)
                    } else {
                        keepStderr(buffer[0..<count])
                    }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    if index == 0 { break loop }  // stdout closed: the conversation is over
                    descriptors[index].fd = -1
                }
            }
        }
        if !pending.isEmpty { onLine(pending) }
        drainStderr(into: &buffer, open: descriptors[1].fd >= 0)
        close(stdoutFD)
        close(stderrFD)
        wakeClosed.withLock { closed in
            closed = true
            close(wakeRead)
            close(wakeWrite)
        }
        onEnd()
    }

    /// Reads what stderr already holds (a crashing server writes its last words before its stdout closes).
    private func drainStderr(into buffer: inout [UInt8], open: Bool) {
        guard open else { return }
        var descriptor = pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)
        while poll(&descriptor, 1, 0) > 0 {
            let count = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            keepStderr(buffer[0..<count])
        }
    }

    private func emitLines(from pending: inout Data) {
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[pending.startIndex..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            pending = Data(pending[pending.index(after: newline)...])
            if !line.isEmpty { onLine(Data(line)) }
        }
    }

    private func keepStderr(_ bytes: ArraySlice<UInt8>) {
        stderrTail.withLock { tail in
            tail.append(contentsOf: bytes)
            if tail.count > Self.stderrLimit { tail = Data(tail.suffix(Self.stderrLimit)) }
        }
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drains a child's stdout and stderr pipes on a dedicated thread until both reach end-of-file or `stop()`
/// is called, keeping the tail of each stream.
///
/// A thread (not the cooperative pool) because it blocks in `poll`; a wake-up pipe lets `stop()` end the loop
/// when a process that escaped the group keeps a pipe open.
final class OutputCollector: Sendable {
    private struct Streams: Sendable {
        var stdout: OutputTail
        var stderr: OutputTail
    }

    /// Set when the loop has ended and the descriptors are closed.
    let finished = OneShot<Void>()

    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    // Written by the reader thread, read after `finished`; every access goes through `withLock`.
    private let streams: Mutex<Streams>
    // True once the wake-up pipe is closed, so a late `stop()` never writes to a reused descriptor.
    private let wakeClosed = Mutex(false)

    /// Takes ownership of the read ends `stdoutFD` and `stderrFD` and of the `wake` pipe.
    init(stdout stdoutFD: Int32, stderr stderrFD: Int32, wake: (read: Int32, write: Int32), characterLimit: Int) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.wakeRead = wake.read
        self.wakeWrite = wake.write
        self.streams = Mutex(
            Streams(
                stdout: OutputTail(characterLimit: characterLimit), stderr: OutputTail(characterLimit: characterLimit)))
    }

    /// Starts the reader thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "meerkat-shell-output"
        thread.start()
    }

    /// Ends the loop early (output read so far is kept).
    func stop() {
        wakeClosed.withLock { closed in
            guard !closed else { return }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// The kept stdout and stderr tails.
    var output: (stdout: (text: String, truncated: Bool), stderr: (text: String, truncated: Bool)) {
        streams.withLock { ($0.stdout.text, $0.stderr.text) }
    }

    private func run() {
        var descriptors = [
            pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var open = 2
        loop: while open > 0 {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[2].revents != 0 { break }
            for index in 0..<2 where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    let chunk = buffer[0..<count]
                    streams.withLock { streams in
                        if index == 0 { streams.stdout.append(chunk) } else { streams.stderr.append(chunk) }
                    }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    // End of file (or a read error): stop polling this stream.
                    descriptors[index].fd = -1
                    open -= 1
                }
                if open == 0 { break loop }
            }
        }
        close(stdoutFD)
        close(stderrFD)
        wakeClosed.withLock { closed in
            closed = true
            close(wakeRead)
            close(wakeWrite)
        }
        finished.complete(())
    }
}

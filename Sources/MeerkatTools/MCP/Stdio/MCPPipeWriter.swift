import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to a child's stdin on a dedicated thread, in order, and closes it when finished.
///
/// A thread of its own (not the cooperative pool) because writes block when the pipe is full; that thread
/// blocks SIGPIPE, so a write to a server that has exited fails with `EPIPE` instead of killing the agent
/// (the signal stays pending on that thread and is discarded when it ends).
final class MCPPipeWriter: Sendable {
    private struct Job {
        var bytes: Data
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var jobs: [Job] = []
        var finished = false
        var failure: String?
    }

    private let fd: Int32
    // Every access goes through `state.withLock`.
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// Takes ownership of the write end `fd`.
    init(fd: Int32) {
        self.fd = fd
    }

    /// Starts the writer thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "meerkat-mcp-stdin"
        thread.start()
    }

    /// Writes `bytes`; throws when the pipe is closed or broken.
    func write(_ bytes: Data) async throws(MCPClientError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let refusal = state.withLock { state -> String? in
                    if let failure = state.failure { return failure }
                    if state.finished { return "the server's stdin is closed" }
                    state.jobs.append(Job(bytes: bytes, continuation: continuation))
                    return nil
                }
                if let refusal {
                    continuation.resume(throwing: MCPClientError.connectionClosed(refusal))
                } else {
                    wake.signal()
                }
            }
        } catch let error as MCPClientError {
            throw error
        } catch {
            throw .connectionClosed("\(error)")
        }
    }

    /// Writes what is queued, then closes the pipe (the server sees end-of-file).
    func finish() {
        state.withLock { $0.finished = true }
        wake.signal()
    }

    private func run() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        while true {
            wake.wait()
            let next = state.withLock { state -> (job: Job?, done: Bool) in
                if !state.jobs.isEmpty { return (state.jobs.removeFirst(), false) }
                return (nil, state.finished)
            }
            if let job = next.job {
                if let problem = writeAll(job.bytes) {
                    let stranded = state.withLock { state -> [Job] in
                        state.failure = problem
                        defer { state.jobs.removeAll() }
                        return state.jobs
                    }
                    job.continuation.resume(throwing: MCPClientError.connectionClosed(problem))
                    for other in stranded {
                        other.continuation.resume(throwing: MCPClientError.connectionClosed(problem))
                    }
                } else {
                    job.continuation.resume()
                }
            } else if next.done {
                break
            }
        }
        close(fd)
    }

    /// Writes every byte; returns a description of the failure, or nil.
    private func writeAll(_ bytes: Data) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = posixWrite(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno == EPIPE
                        ? "the server closed its stdin"
                        : "write to the server failed: \(String(cString: strerror(errno)))"
                }
                offset += written
            }
            return nil
        }
    }
}

/// `write(2)`, named apart from `MCPPipeWriter.write(_:)`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

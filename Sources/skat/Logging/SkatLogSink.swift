import Foundation
import Logging
import Synchronization

/// Where `skat`'s log lines go: stderr, and a realm's log file once one is attached. Every line passes through a
/// redactor first, so a secret that reached a message or metadata by mistake is still never written.
final class SkatLogSink: Sendable {
    /// The process's sink (set up by `SkatLogging.bootstrap`).
    static let shared = SkatLogSink()

    private struct State {
        var secrets: [String] = []
        var file: FileHandle?
    }

    private let state = Mutex(State())

    /// Values that must never appear in a log line (API keys and tokens from the environment).
    func redact(_ secrets: [String]) {
        state.withLock { $0.secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count } }
    }

    /// Also appends lines to `url` (created with its folder when missing).
    func attachFile(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        state.withLock { $0.file = handle }
    }

    /// Writes one line.
    func write(_ line: String) {
        state.withLock { state in
            var text = line
            for secret in state.secrets where text.contains(secret) {
                text = text.replacingOccurrences(of: secret, with: "[redacted]")
            }
            let data = Data((text + "\n").utf8)
            FileHandle.standardError.write(data)
            state.file?.write(data)
        }
    }
}

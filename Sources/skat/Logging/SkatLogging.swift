import ArgumentParser
import Foundation
import Logging

/// `skat`'s logging: swift-log bootstrapped once, before the arguments are parsed, with the level from
/// `--log-level` (read ahead of parsing) or `SKAT_LOG` (default `warning`). Lines go to stderr and, with
/// `--log-file`, to the realm's `logs/skat.log`; known secrets are redacted.
enum SkatLogging {
    /// The level in effect (for tests of the option parsing).
    static func level(arguments: [String], environment: [String: String]) -> Logger.Level {
        var value = environment["SKAT_LOG"]
        for (index, argument) in arguments.enumerated() {
            if argument == "--log-level", index + 1 < arguments.count { value = arguments[index + 1] }
            if argument.hasPrefix("--log-level=") { value = String(argument.dropFirst("--log-level=".count)) }
        }
        return value.flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
    }

    /// Environment values that must never be logged: anything named like a key, token, secret or password.
    static func secrets(in environment: [String: String]) -> [String] {
        let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        return environment.compactMap { name, value in
            markers.contains { name.uppercased().contains($0) } ? value : nil
        }
    }

    /// Sets up the logging system for this process.
    static func bootstrap(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        let level = level(arguments: arguments, environment: environment)
        let sink = SkatLogSink.shared
        sink.redact(secrets(in: environment))
        LoggingSystem.bootstrap { label in SkatLogHandler(label: label, logLevel: level, sink: sink) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--log-level` and `--log-file`, accepted by every command that opens a realm.
struct LogOptions: ParsableArguments {
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning (default), error or critical; also SKAT_LOG. Logs go to stderr.")
    var logLevel: Logger.Level?

    @Flag(name: .customLong("log-file"), help: "Also append logs to the realm's logs/skat.log.")
    var logFile = false

    /// Attaches the realm's log file when asked.
    func attach(realmDirectory: URL) throws {
        guard logFile else { return }
        let file = realmDirectory.appendingPathComponent("logs/skat.log")
        do {
            try SkatLogSink.shared.attachFile(file)
        } catch {
            throw SkatFailure("--log-file: cannot open \(file.path): \(error.localizedDescription)")
        }
    }
}

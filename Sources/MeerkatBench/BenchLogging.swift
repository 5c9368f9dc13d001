import Logging

/// The log level of the bench process: `MEERKAT_BENCH_LOG_LEVEL`, `warning` (as `skat`) when unset.
///
/// Unconfigured, swift-log writes `info` lines to stderr, and the service logs one per created session: a `localtime`
/// and a write per run that neither `skat` nor a host that configures its logging pays.
enum BenchLogging {
    static let variable = "MEERKAT_BENCH_LOG_LEVEL"

    /// A value that names no level.
    struct UnknownLevel: Error, CustomStringConvertible {
        var value: String
        var description: String {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(BenchLogging.variable): unknown level '\(value)'; expected one of \(levels)"
        }
    }

    static func level(environment: [String: String]) throws(UnknownLevel) -> Logger.Level {
        guard let text = environment[variable] else { return .warning }
        guard let level = Logger.Level(rawValue: text) else { throw UnknownLevel(value: text) }
        return level
    }
}

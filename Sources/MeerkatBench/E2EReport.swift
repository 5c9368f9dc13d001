import Foundation

/// Everything one `meerkat-bench e2e` run measured (written as JSON with `MEERKAT_BENCH_JSON`).
struct E2EReport: Codable {
    var machine: String
    /// The executor of the process's tasks (`MEERKAT_EXECUTOR`: `swift` or `nio`).
    var executor: String
    /// The log level of the process (`MEERKAT_BENCH_LOG_LEVEL`; `warning`, as `skat`, by default).
    var logLevel: String
    var runs: Int
    var date = ISO8601DateFormatter().string(from: Date())
    var overhead: [E2ERow] = []
    var history: [E2EHistoryRow] = []
    var concurrency: [E2EConcurrencyRow] = []
    var memory: E2EMemoryRow?
    var acceptance: [E2EAcceptanceRow] = []
    var startup: E2EStartupRow?
}

/// Latency quantiles of a set of samples, in milliseconds.
struct Stats: Codable {
    var count: Int
    var p50: Double
    var p99: Double
    var mean: Double
    var max: Double

    init(_ samples: [Duration]) {
        let sorted = samples.map(\.fractionalMilliseconds).sorted()
        count = sorted.count
        func quantile(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        p50 = quantile(0.5)
        p99 = quantile(0.99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }
}

/// One turn-overhead row: the stack and the floor for the same requests.
struct E2ERow: Codable {
    var backend: E2EBackend
    var tool: Bool
    var shape: E2EShape
    var runs: Int
    var stack: Stats
    var floor: Stats
    /// (stack total − floor total) / runs.
    var overheadPerRunMS: Double
    var overheadP50MS: Double
    var overheadP99MS: Double
    var cpuPerRunMS: Double
    var floorCPUPerRunMS: Double

    init(
        backend: E2EBackend, tool: Bool, shape: E2EShape, runs: Int, stack: Stats, floor: Stats, stackTotal: Duration,
        floorTotal: Duration, cpuPerRun: Double, floorCPUPerRun: Double
    ) {
        self.backend = backend
        self.tool = tool
        self.shape = shape
        self.runs = runs
        self.stack = stack
        self.floor = floor
        overheadPerRunMS = (stackTotal - floorTotal).fractionalMilliseconds / Double(runs)
        overheadP50MS = stack.p50 - floor.p50
        overheadP99MS = stack.p99 - floor.p99
        cpuPerRunMS = cpuPerRun * 1000
        floorCPUPerRunMS = floorCPUPerRun * 1000
    }

    static let header =
        "realm        tool  shape                 floor p50  stack p50  overhead mean  p50     p99     cpu/run (floor)"

    var line: String {
        String(
            format: "%@ %@ %@ %7.3f ms %7.3f ms %9.3f ms  %6.3f  %6.3f  %6.3f ms (%5.3f)",
            backend.rawValue.padded(12), (tool ? "1" : "0").padded(5), shape.rawValue.padded(21), floor.p50, stack.p50,
            overheadPerRunMS, overheadP50MS,
            overheadP99MS, cpuPerRunMS, floorCPUPerRunMS)
    }
}

/// Per-turn overhead at one history length.
struct E2EHistoryRow: Codable {
    var backend: E2EBackend
    var messages: Int
    var turns: Int
    var requestBytes: Int
    var stack: Stats
    var floor: Stats
    var overheadPerTurnMS: Double
    var cpuPerTurnMS: Double

    var line: String {
        String(
            format: "%@ %5d messages (%8d request bytes): stack p50 %.3f ms, floor p50 %.3f ms, overhead %.3f ms/turn, "
                + "cpu %.3f ms/turn",
            backend.rawValue.padded(12), messages, requestBytes, stack.p50, floor.p50, overheadPerTurnMS, cpuPerTurnMS)
    }
}

/// S sessions each running one turn at the same time.
struct E2EConcurrencyRow: Codable {
    var sessions: Int
    var turnsPerSecond: Double
    var latency: Stats
    var cpuPerTurnMS: Double
    var errors: Int

    var line: String {
        String(
            format: "%6d sessions: %8.0f turns/s, p50 %.1f ms, p99 %.1f ms, cpu %.3f ms/turn, errors %d", sessions,
            turnsPerSecond, latency.p50, latency.p99, cpuPerTurnMS, errors)
    }
}

/// Resident memory of idle live sessions.
struct E2EMemoryRow: Codable {
    var sessions: Int
    var residentBefore: Int
    var residentAfter: Int
    var bytesPerSession: Double

    var line: String {
        String(
            format: "%d idle sessions: resident %.1f MB → %.1f MB, %.1f KB per session", sessions,
            Double(residentBefore) / 1e6, Double(residentAfter) / 1e6, bytesPerSession / 1000)
    }
}

/// Durable acceptance throughput.
struct E2EAcceptanceRow: Codable {
    var callers: Int
    var inputs: Int
    var inputsPerSecond: Double

    var line: String {
        String(format: "%2d callers: %8.0f inputs/s accepted durably (%d inputs)", callers, inputsPerSecond, inputs)
    }
}

/// `skat` process startup.
struct E2EStartupRow: Codable {
    var version: Stats
    var firstRequestByte: Stats

    var line: String {
        String(
            format: "skat --version p50 %.1f ms (p99 %.1f); skat run → first request at the provider p50 %.1f ms "
                + "(p99 %.1f)",
            version.p50, version.p99, firstRequestByte.p50, firstRequestByte.p99)
    }
}

/// Process CPU time (user + system) from `getrusage`, in seconds.
enum CPUTime {
    static func now() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Resident set size of this process, from `/proc/self/statm` (0 where that file does not exist).
enum ResidentMemory {
    static func bytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension Duration {
    /// Milliseconds as a floating-point number (MeerkatCore's `milliseconds` rounds down to whole ones).
    var fractionalMilliseconds: Double { seconds * 1000 }
}

extension String {
    /// The string padded with spaces to `width` (`%-7@` does not pad Swift strings).
    fileprivate func padded(_ width: Int) -> String {
        padding(toLength: max(width, count), withPad: " ", startingAt: 0)
    }
}

import Foundation

/// `skat --version` and `skat --help` wall time (process start to exit), measured on the `skat` binary built next to
/// this benchmark (build both in release: `swift build -c release` then `swift run -c release meerkat-bench cli`).
enum CLIBench {
    static func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
            .appendingPathComponent("skat")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("skat not found at \(binary.path); build it first (swift build -c release --product skat)")
            return
        }
        for arguments in [["--version"], ["--help"]] {
            var samples: [Double] = []
            for _ in 0..<30 {
                let process = Process()
                process.executableURL = binary
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                let start = ContinuousClock.now
                try process.run()
                process.waitUntilExit()
                samples.append((ContinuousClock.now - start).milliseconds)
            }
            samples.sort()
            let p50 = samples[samples.count / 2]
            let p95 = samples[Int(Double(samples.count) * 0.95)]
            print(
                "skat \(arguments.joined(separator: " ")): p50 \(format(p50)) ms, p95 \(format(p95)) ms, min \(format(samples[0])) ms "
                    + "(target < 20 ms)")
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension Duration {
    fileprivate var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

import MeerkatService
import Testing

/// `MEERKAT_EXECUTOR` picks the executor of the process; anything but a known name is refused with the variable named.
@Suite struct ProcessExecutorTests {
    @Test func theVariableNamesTheExecutorAndSwiftsIsTheDefault() throws {
        #expect(try ProcessExecutor.chosen(environment: [:]) == .swift)
        #expect(try ProcessExecutor.chosen(environment: ["MEERKAT_EXECUTOR": ""]) == .swift)
        #expect(try ProcessExecutor.chosen(environment: ["MEERKAT_EXECUTOR": "swift"]) == .swift)
        #expect(try ProcessExecutor.chosen(environment: ["MEERKAT_EXECUTOR": "nio"]) == .nio)
    }

    @Test(arguments: ["NIO", "dispatch", " nio"])
    func anUnknownNameIsRefused(value: String) {
        #expect(throws: ProcessExecutorError.unknown(value)) {
            try ProcessExecutor.chosen(environment: ["MEERKAT_EXECUTOR": value])
        }
        #expect(
            ProcessExecutorError.unknown(value).description
                == "MEERKAT_EXECUTOR: unknown executor '\(value)'; expected 'swift' or 'nio'")
    }

    @Test func aFallbackStandsInForAnUnsetVariable() throws {
        #expect(try ProcessExecutor.chosen(environment: [:], fallback: .nio) == .nio)
        #expect(try ProcessExecutor.chosen(environment: ["MEERKAT_EXECUTOR": "swift"], fallback: .nio) == .swift)
    }

    @Test func installingSwiftsExecutorChangesNothing() {
        // `nio` takes over the whole process, so only a child process tries it (SkatTests run `skat` with
        // `MEERKAT_EXECUTOR=nio`, and `skat doctor` reports it).
        #expect(ProcessExecutor.swift.install())
        #expect(ProcessExecutor.installed == .swift)
    }
}

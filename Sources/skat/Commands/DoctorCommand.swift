import ArgumentParser
import Foundation
import MeerkatService

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check API keys, the realm, the config and self-hosted servers.")
    @OptionGroup var realm: RealmOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let report = await HealthReport.check(realm.options())
        if json {
            printJSON(report)
        } else {
            for check in report.checks {
                let mark =
                    switch check.status {
                    case .ok: "ok  "
                    case .fail: "FAIL"
                    case .info: "--  "
                    }
                Output.out("\(mark) \(check.message)\n")
            }
        }
        if !report.healthy { throw SkatExitCode(code: SkatExit.error) }
    }
}

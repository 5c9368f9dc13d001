import ArgumentParser
import Foundation
import MeerkatService

struct InputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "input", abstract: "Inspect admitted inputs.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an input's lifecycle state and outcome.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Argument(help: "Input id.") var input: String
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            guard let inputID = InputID(input) else { throw ValidationError("'\(input)' is not an input id (a UUID)") }
            try await realm.withEnvironment { environment in
                let id = try await environment.service.resolve(SessionSelector(session))
                guard let row = try await environment.service.inputStatus(id, input: inputID) else {
                    throw SkatFailure("input \(inputID) is not known to session \(id)")
                }
                if output == .json {
                    printJSON(row)
                    return
                }
                Output.out(
                    "input     \(row.inputID)\nphase     \(row.phase.rawValue)\nattempts  \(row.seed.attemptCount)\n")
                if let outcome = row.seed.terminalOutcome { Output.out("outcome   \(WireJSON.jsonString(outcome))\n") }
                if let completion = row.state.terminalCompletion {
                    Output.out("result    \(completion.completionType)\n")
                }
                for entry in row.state.history {
                    Output.out(
                        "  \(WireJSON.formatDate(entry.timestamp))  \(entry.from.rawValue) → \(entry.to.rawValue)  \(entry.reason ?? "")\n"
                    )
                }
            }
        }
    }
}

extension WireJSON {
    /// Compact JSON text of a value ("" when it cannot be encoded).
    static func jsonString(_ value: some Encodable) -> String {
        (try? encodeString(value)) ?? ""
    }
}

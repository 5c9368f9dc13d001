import ArgumentParser
import Foundation
import MeerkatService

@main
struct Skat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skat",
        abstract: "Meerkat for Swift: a durable agent runtime for LLM sessions that call tools.",
        discussion: """
            `skat "<prompt>"` is shorthand for `skat run "<prompt>"`. Sessions live in a realm under \
            .skat/realms/ of the project (the nearest ancestor with a .skat folder). Run `skat demo` to see the \
            runtime work against a local mock model, with no key and no network.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, SessionCommand.self, InputCommand.self, ModelsCommand.self, ConfigCommand.self,
            InitCommand.self, DoctorCommand.self, MCPCommand.self, MockProviderCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    static func main() async {
        // `--resume` alone means the last session; a value needs `--resume=<id|prefix|last>`.
        let arguments = CommandLine.arguments.dropFirst().map { $0 == "--resume" ? "--resume=last" : $0 }
        SkatLogging.bootstrap(arguments: Array(arguments))
        do {
            var command = try parseAsRoot(Array(arguments))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let done as SkatExitCode {
            Foundation.exit(done.code)
        } catch let failure as SkatFailure {
            Output.failure(failure.message)
            Foundation.exit(failure.code)
        } catch let error as ServiceError {
            Output.failure("\(error)")
            Foundation.exit(SkatExit.error)
        } catch let error as ConfigError {
            Output.failure("\(error)")
            Foundation.exit(SkatExit.error)
        } catch {
            exit(withError: error)
        }
    }
}

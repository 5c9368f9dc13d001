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
            .skat/realms/ of the project (the nearest ancestor with a .skat folder or .git, below $HOME and \
            SKAT_CEILING_DIRECTORIES). Run `meerkat-mock demo` (built with the package) to see the \
            runtime work against a local mock model, with no key and no network.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, SessionCommand.self, InputCommand.self, ModelsCommand.self, ConfigCommand.self,
            InitCommand.self, DoctorCommand.self, MCPCommand.self, RPCCommand.self, MCPServerCommand.self,
            ServeCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    static func main() async {
        // `skat --version` answers before the argument parser builds its command tree: the parser's first dynamic
        // casts scan every protocol conformance of this large binary, which was most of the command's 18–20 ms.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(configuration.version)
            return
        }
        // Before any task starts: the executor is chosen once per process (MEERKAT_EXECUTOR; docs/performance.md).
        do {
            let executor = try ProcessExecutor.chosen(environment: ProcessInfo.processInfo.environment)
            if !executor.install() {
                Output.err("skat: warning: cannot install the \(executor.rawValue) executor here; Swift's runs\n")
            }
        } catch {
            Output.failure("\(error)")
            Foundation.exit(SkatExit.usage)
        }
        let arguments = resumeArguments(Array(CommandLine.arguments.dropFirst()))
        SkatLogging.bootstrap(arguments: arguments)
        do {
            var command = try parseAsRoot(arguments)
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

    /// `--resume` takes an optional value, which the argument parser cannot express: a bare `--resume` becomes
    /// `--resume=last`, and the word after it (when it is not an option) is passed on as `--resume-candidate` for
    /// `run` to read as a session selector when it names one, else as the start of the prompt.
    static func resumeArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                out += arguments[index...]
                break
            }
            if argument == "--resume" {
                out.append("--resume=last")
                if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                    out.append("--resume-candidate=" + arguments[index + 1])
                    index += 2
                    continue
                }
            } else {
                out.append(argument)
            }
            index += 1
        }
        return out
    }
}

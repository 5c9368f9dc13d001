import ArgumentParser
import Foundation

/// `meerkat-mock`: the local mock LLM provider and the demo that runs the whole stack against it. Kept out of the
/// shipped `skat` so that test doubles never ship with the runtime.
@main
struct MeerkatMock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meerkat-mock",
        abstract: "A local mock LLM provider (all four wire protocols) and a demo of the runtime against it.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, DemoCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as MockFailure {
            Console.err("meerkat-mock: \(failure.description)\n")
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

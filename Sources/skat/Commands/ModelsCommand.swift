import ArgumentParser
import Foundation
import MeerkatService

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the model catalog, including configured self-hosted aliases.")
    @OptionGroup var realm: RealmOptions
    @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

    func run() async throws {
        // Read-only: the config layers are read, no realm is opened or created.
        let context = try realm.context()
        let rows: [ModelInfo]
        do {
            rows = try context.models()
        } catch {
            throw fail(error)
        }
        if output == .json {
            printJSON(rows)
            return
        }
        for row in rows {
            let alias = row.aliasOf.map { " → \($0)" } ?? ""
            Output.out(
                "\(row.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(row.provider.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                    + "ctx \(row.contextWindow)  out \(row.maxOutputTokens)  \(row.tier)\(alias)\n")
        }
    }
}

import ArgumentParser
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatService

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the model catalog, including configured self-hosted aliases.")
    @OptionGroup var realm: RealmOptions
    @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

    struct Row: Encodable {
        var id: String
        var provider: String
        var displayName: String
        var tier: String
        var contextWindow: Int
        var maxOutputTokens: Int
        var vision: Bool
        var aliasOf: String?

        private enum CodingKeys: String, CodingKey {
            case id, provider, displayName = "display_name", tier, contextWindow = "context_window"
            case maxOutputTokens = "max_output_tokens", vision, aliasOf = "alias_of"
        }
    }

    func run() async throws {
        // Read-only: the config layers are read, no realm is opened or created.
        let context = try realm.context()
        let factory: ProviderAgentFactory
        do {
            factory = try ProviderAgentFactory(config: try context.config(), projectRoot: context.projectRoot)
        } catch {
            throw fail(error)
        }
        let rows = factory.catalog.entries.map { entry in
            Row(
                id: entry.id, provider: entry.profile.provider.rawValue, displayName: entry.displayName,
                tier: entry.tier.rawValue, contextWindow: entry.profile.contextWindow,
                maxOutputTokens: entry.profile.maxOutputTokens, vision: entry.profile.vision, aliasOf: entry.aliasOf
            )
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

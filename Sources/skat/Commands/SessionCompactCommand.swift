import ArgumentParser
import Foundation
import MeerkatService

extension SessionCommand {
    /// `skat session compact <id>`.
    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compact a session's context now.",
            discussion: """
                Asks the model for a hand-off summary, then the model sees only the system rows, the summary and the \
                last exchanges ([compaction] recent_turn_budget). The full history stays readable with `skat session \
                history`. Refused while the session is running a turn.
                """)
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            do {
                let id = try await environment.service.resolve(SessionSelector(session))
                let outcome = try await environment.service.compact(id)
                if output == .json {
                    printJSON(CompactOutput(sessionID: id, outcome: outcome))
                } else {
                    Output.out(
                        "compacted \(id): \(outcome.messagesBefore) → \(outcome.messagesAfter) context rows, "
                            + "~\(outcome.tokensBefore) → ~\(outcome.tokensAfter) tokens"
                            + (outcome.mechanical ? " (mechanical summary)" : "") + "\n")
                }
            } catch {
                throw fail(error)
            }
        }
    }
}

/// `skat session compact -o json`.
struct CompactOutput: Encodable {
    var sessionID: SessionID
    var outcome: CompactionOutcome

    private enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", summaryTokens = "summary_tokens", messagesBefore = "messages_before"
        case messagesAfter = "messages_after", tokensBefore = "tokens_before", tokensAfter = "tokens_after"
        case mechanical
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(outcome.summaryTokens, forKey: .summaryTokens)
        try container.encode(outcome.messagesBefore, forKey: .messagesBefore)
        try container.encode(outcome.messagesAfter, forKey: .messagesAfter)
        try container.encode(outcome.tokensBefore, forKey: .tokensBefore)
        try container.encode(outcome.tokensAfter, forKey: .tokensAfter)
        try container.encode(outcome.mechanical, forKey: .mechanical)
    }
}

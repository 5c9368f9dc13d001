import Foundation

/// The texts of a compaction: the summary call's prompts, the excerpt of the transcript it summarises, the
/// mechanical fallback summary and the bound on a summary's length. Pure functions, so the rules are testable.
public enum CompactionSummary {
    /// Placed before the summary text in the `compaction_summary` row.
    public static let rowPrefix = "Summary of the conversation so far (earlier turns were compacted):\n\n"

    /// System prompt of the summary call.
    public static let systemPrompt =
        "You write hand-off summaries of agent conversations. Another instance of the assistant will continue the "
        + "work from your summary alone, so keep every fact it needs and nothing else."

    /// The hand-off request that follows the excerpt.
    public static let handoffPrompt = """
        Write a hand-off summary of the conversation above so that the work can continue without it. Cover:
        1. Progress so far and the decisions made (with their reasons).
        2. Constraints and preferences the user stated.
        3. The next steps.
        4. Critical data: file paths, identifiers, values, commands, URLs.
        5. Tool usage that worked or failed.
        Be concise and factual; do not address the user.
        """

    /// Marks a summary cut to its token bound.
    public static let truncationMarker = "\n[summary truncated]"

    /// The context rendered as text for the summary call: the previous summary first, then the rows in order, media
    /// projected to placeholders. When longer than `maxBytes`, the oldest rows are left out (and counted).
    public static func excerpt(rows: [CompactionRebuild.Row], archived: Set<Int>, maxBytes: Int) -> String {
        var header: [String] = []
        var lines: [String] = []
        for row in rows {
            switch row.message {
            case .system:
                continue
            case .user(let content, .compactionSummary, _):
                header.append("Earlier summary:\n" + text(content).replacingOccurrences(of: rowPrefix, with: ""))
            default:
                let marker = archived.contains(row.index) ? "" : "(kept verbatim) "
                lines.append(marker + render(row.message))
            }
        }
        let open = "<transcript>"
        let close = "</transcript>"
        var budget = maxBytes - open.utf8.count - close.utf8.count - 64
        var kept: [String] = []
        for line in header {
            let clipped = clip(line, to: max(0, budget / 2))
            kept.append(clipped)
            budget -= clipped.utf8.count + 1
        }
        var tail: [String] = []
        var omitted = 0
        for (position, line) in lines.enumerated().reversed() {
            let size = line.utf8.count + 1
            if size > budget {
                omitted = position + 1
                break
            }
            tail.append(line)
            budget -= size
        }
        if omitted > 0 { kept.append("[\(omitted) earlier rows omitted]") }
        kept.append(contentsOf: tail.reversed())
        return ([open] + kept + [close]).joined(separator: "\n")
    }

    /// A deterministic summary used when the model cannot produce one (the summary call itself was too large).
    public static func mechanical(rows: [CompactionRebuild.Row], archived: Set<Int>) -> String {
        var requests: [String] = []
        var toolCounts: [String: Int] = [:]
        var lastAnswer: String?
        var previous: String?
        for row in rows where archived.contains(row.index) {
            switch row.message {
            case .user(let content, .conversational, _): requests.append(clip(text(content), to: 200))
            case .user(let content, .compactionSummary, _):
                previous = clip(text(content).replacingOccurrences(of: rowPrefix, with: ""), to: 2000)
            case .assistant:
                for call in row.message.toolCalls { toolCounts[call.name, default: 0] += 1 }
                if let answer = row.message.assistantText, !answer.isEmpty { lastAnswer = clip(answer, to: 400) }
            default: break
            }
        }
        var parts = ["(Mechanical summary: the model could not summarise the \(archived.count) compacted rows.)"]
        if let previous { parts.append("Earlier summary: \(previous)") }
        if !requests.isEmpty {
            parts.append(
                "User requests, oldest first:\n" + requests.suffix(10).map { "- \($0)" }.joined(separator: "\n"))
        }
        if !toolCounts.isEmpty {
            parts.append(
                "Tools used: "
                    + toolCounts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(
                        separator: ", "))
        }
        if let lastAnswer { parts.append("Last answer: \(lastAnswer)") }
        return parts.joined(separator: "\n\n")
    }

    /// `summary` cut to `maxTokens` (estimated), with a marker when cut.
    public static func bounded(_ summary: String, maxTokens: Int, estimator: TokenEstimator) -> String {
        guard estimator.tokens(bytes: summary.utf8.count) > maxTokens else { return summary }
        let limit = max(0, estimator.bytes(tokens: maxTokens) - truncationMarker.utf8.count)
        return clip(summary, to: limit, marker: "") + truncationMarker
    }

    /// One row as a line of the excerpt.
    static func render(_ message: Message) -> String {
        switch message {
        case .system(let content, _): return "System: " + content
        case .systemNotice(_, let blocks, _): return "Notice: " + clip(text(blocks), to: 1000)
        case .user(let content, .injectedContext, _): return "Context: " + clip(text(content), to: 2000)
        case .user(let content, _, _): return "User: " + clip(text(content), to: 4000)
        case .assistant(let blocks, _, _):
            var parts: [String] = []
            for block in blocks {
                switch block {
                case .text(let text, _): parts.append("Assistant: " + clip(text, to: 4000))
                case .reasoning: continue
                case .toolUse(let call):
                    parts.append(
                        "Assistant called \(call.name) [\(call.id)] with \(clip(call.args.compactText(), to: 500))")
                }
            }
            return parts.joined(separator: "\n")
        case .toolResults(let results, _):
            return results.map { result in
                "Tool result [\(result.toolUseID)]\(result.isError ? " (error)" : ""): " + clip(result.text, to: 2000)
            }.joined(separator: "\n")
        }
    }

    static func text(_ blocks: [ContentBlock]) -> String {
        blocks.map(\.textProjection).joined(separator: "\n")
    }

    /// `text` limited to `limit` UTF-8 bytes (on a character boundary), with `marker` when cut.
    static func clip(_ text: String, to limit: Int, marker: String = "…") -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var size = 0
        for character in text {
            let length = character.utf8.count
            if size + length > limit { break }
            result.append(character)
            size += length
        }
        return result + marker
    }
}

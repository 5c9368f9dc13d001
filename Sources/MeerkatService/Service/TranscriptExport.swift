import Foundation
public import MeerkatCore

/// A session's transcript written out for people (Markdown) or programs (JSON).
public enum TranscriptExport {
    /// The output formats.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case json, markdown
    }

    /// The JSON document: `{session_id, title, model, created_at, updated_at, usage, labels, messages}`, messages in
    /// their stored wire shape.
    struct Document: Encodable {
        var sessionID: SessionID
        var title: String?
        var model: String?
        var createdAt: Date
        var updatedAt: Date
        var usage: UsageReport
        var labels: [String: String]
        var messages: [Message]

        private enum CodingKeys: String, CodingKey {
            case sessionID = "session_id", title, model, createdAt = "created_at", updatedAt = "updated_at", usage
            case labels, messages
        }
    }

    /// Renders `session` in `format`.
    public static func render(_ session: Session, title: String?, format: Format) throws(ServiceError) -> String {
        let model = session.metadata[SessionSummary.modelKey]?.stringValue
        switch format {
        case .json:
            let document = Document(
                sessionID: session.id, title: title, model: model, createdAt: session.createdAt,
                updatedAt: session.updatedAt, usage: UsageReport(session.usage),
                labels: Session.labels(in: session.metadata), messages: session.messages)
            do {
                let encoder = WireJSON.encoder()
                encoder.outputFormatting.insert(.prettyPrinted)
                return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
            } catch {
                throw .store("cannot encode the transcript: \(error)")
            }
        case .markdown:
            return markdown(session, title: title, model: model)
        }
    }

    static func markdown(_ session: Session, title: String?, model: String?) -> String {
        var out = "# \(title ?? "Session \(session.id)")\n\n"
        var facts = ["session `\(session.id)`", "created \(WireJSON.formatDate(session.createdAt))"]
        if let model { facts.append("model `\(model)`") }
        facts.append("tokens \(UsageReport(session.usage).summary)")
        out += facts.joined(separator: " · ") + "\n"
        for message in session.messages {
            out += "\n"
            switch message {
            case .system(let content, _):
                out += "## System\n\n\(quoted(content))\n"
            case .systemNotice(let kind, let blocks, _):
                out += "## Notice (\(kind.rawValue))\n\n\(text(blocks))\n"
            case .user(let blocks, let role, _):
                out += role == .conversational ? "## User\n\n" : "## Context (\(role.rawValue))\n\n"
                out += text(blocks) + "\n"
            case .assistant(let blocks, _, _):
                out += "## Assistant\n"
                for block in blocks {
                    switch block {
                    case .text(let text, _): out += "\n\(text)\n"
                    case .reasoning(let text, _):
                        out += "\n<details><summary>Thinking</summary>\n\n\(text)\n\n</details>\n"
                    case .toolUse(let call):
                        out +=
                            "\n**Tool call** `\(call.name)` (`\(call.id)`)\n\n"
                            + fenced(call.args.compactText(), "json")
                    }
                }
            case .toolResults(let results, _):
                out += "## Tool results\n"
                for result in results {
                    out += "\n**\(result.isError ? "Error" : "Result")** for `\(result.toolUseID)`\n\n"
                    out += fenced(result.text, "")
                }
            }
        }
        return out
    }

    private static func text(_ blocks: [ContentBlock]) -> String {
        blocks.map { block in
            if case .image(let mediaType, _) = block { return "*[image \(mediaType)]*" }
            return block.textProjection
        }.joined(separator: "\n\n")
    }

    private static func quoted(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }.joined(separator: "\n")
    }

    /// A fenced block whose fence is longer than any backtick run inside.
    private static func fenced(_ text: String, _ language: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\(fence)\n"
    }
}

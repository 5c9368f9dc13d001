import ArgumentParser
import Foundation
import MeerkatService

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract:
            "List, show, read, rename, archive, export, delete, interrupt, compact or re-route sessions.",
        subcommands: [
            List.self, Show.self, History.self, Rename.self, Archive.self, Unarchive.self, Export.self, Delete.self,
            Interrupt.self, Compact.self, SwitchModel.self, Routing.self, Capabilities.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions, newest first.")
        @OptionGroup var realm: RealmOptions
        @Option var limit = 20
        @Option var offset = 0
        @Option(name: .customLong("label"), help: "Only sessions with label K=V (repeatable).") var labels: [String] =
            []
        @Flag(help: "Include archived sessions.") var all = false
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            let query = SessionQuery(
                labels: try parseLabels(labels), includeArchived: all, limit: limit, offset: offset)
            let sessions: [SessionSummary]
            do {
                sessions = try await environment.service.summaries(query)
            } catch {
                throw fail(error)
            }
            if output == .json {
                printJSON(sessions)
                return
            }
            if sessions.isEmpty { Output.err("no sessions\n") }
            for summary in sessions {
                let labels = summary.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: ",")
                let title = TerminalRenderer.preview(summary.title ?? "(untitled)", limit: 50)
                Output.out(
                    "\(summary.id)  \(WireJSON.formatDate(summary.lastActivity))  \(summary.model ?? "-")  \(title)"
                        + "  (\(summary.messageCount) msgs, \(summary.totalTokens) tok)"
                        + (labels.isEmpty ? "" : "  \(labels)") + (summary.archived ? "  [archived]" : "") + "\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session's metadata and usage.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            do {
                let id = try await environment.service.resolve(SessionSelector(session))
                let meta = try await environment.service.meta(id)
                if output == .json {
                    printJSON(meta)
                } else {
                    Output.out(
                        "session   \(meta.id)\ncreated   \(WireJSON.formatDate(meta.createdAt))\nupdated   \(WireJSON.formatDate(meta.updatedAt))\n"
                            + "messages  \(meta.messageCount)\ntokens    \(meta.totalTokens)\n")
                    if let intent = meta.metadata[Session.intentKey] {
                        Output.out("intent    \(intent.compactText())\n")
                    }
                }
            } catch {
                throw fail(error)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a session's committed transcript.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option var offset = 0
        @Option var limit = 100
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            do {
                let id = try await environment.service.resolve(SessionSelector(session))
                let page = try await environment.service.history(id, offset: offset, limit: limit)
                if output == .json {
                    printJSON(
                        HistoryOutput(
                            messages: page.messages, offset: page.offset, total: page.total, hasMore: page.hasMore))
                    return
                }
                for message in page.messages { Output.out(Self.line(message) + "\n") }
                if page.hasMore { Output.err("(more: --offset \(page.offset + page.messages.count))\n") }
            } catch {
                throw fail(error)
            }
        }

        static func line(_ message: Message) -> String {
            switch message {
            case .system(let content, _): "system: \(content)"
            case .systemNotice(let kind, let blocks, _):
                "notice(\(kind.rawValue)): \(blocks.map(\.textProjection).joined(separator: " "))"
            case .user(let content, let role, _):
                "user\(role == .conversational ? "" : "(\(role.rawValue))"): \(content.map(\.textProjection).joined(separator: " "))"
            case .assistant(let blocks, _, _):
                "assistant: "
                    + blocks.map { block in
                        switch block {
                        case .text(let text, _): text
                        case .reasoning(let text, _): "[thinking] \(text)"
                        case .toolUse(let call): "[tool_use \(call.name) \(call.args.compactText())]"
                        }
                    }.joined(separator: " ")
            case .toolResults(let results, _):
                "tool_results: "
                    + results.map { "\($0.isError ? "✗" : "✓") \(TerminalRenderer.preview($0.text, limit: 200))" }
                    .joined(separator: " | ")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a session a title (an empty title restores the default: the first prompt's first line).")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Argument(help: "The new title.") var title: [String] = []

        func run() async throws {
            try await realm.withEnvironment { environment in
                let service = environment.service
                let id = try await service.resolve(SessionSelector(session))
                try await service.rename(id, title: title.joined(separator: " "))
                Output.out("\(id)  \(try await service.summary(id).title ?? "(untitled)")\n")
            }
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hide a session from `session list` (history is kept; `--all` still lists it).")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String

        func run() async throws {
            try await realm.withEnvironment { environment in
                let id = try await environment.service.resolve(SessionSelector(session))
                try await environment.service.archive(id)
                Output.out("archived \(id)\n")
            }
        }
    }

    struct Unarchive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an archived session again.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id or unique prefix.") var session: String

        func run() async throws {
            try await realm.withEnvironment { environment in
                let id = try await environment.service.resolve(SessionSelector(session))
                try await environment.service.unarchive(id)
                Output.out("unarchived \(id)\n")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a session's transcript as Markdown (default) or JSON, to stdout or a file.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option(name: [.short, .long], help: "markdown or json.") var format: TranscriptExport.Format = .markdown
        @Option(name: [.customShort("O"), .customLong("out")], help: "Write to this file instead of stdout.")
        var out: String?

        func run() async throws {
            try await realm.withEnvironment { environment in
                let id = try await environment.service.resolve(SessionSelector(session))
                let text = try await environment.service.export(id, format: format)
                guard let out else {
                    Output.out(text)
                    return
                }
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw SkatFailure("cannot write \(out): \(error.localizedDescription)")
                }
                Output.err("exported \(id) to \(out)\n")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a session and its history.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            do {
                let id = try await environment.service.resolve(SessionSelector(session))
                try await environment.service.delete(id)
                Output.out("deleted \(id)\n")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Interrupt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Interrupt the turn a session is running (in this or another skat process on this host).")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String

        func run() async throws {
            try await realm.withEnvironment { environment in try await body(environment) }
        }

        private func body(_ environment: ServiceEnvironment) async throws {
            let id: SessionID
            do {
                id = try await environment.service.resolve(SessionSelector(session))
            } catch {
                throw fail(error)
            }
            // The process running the session holds its lease; a SIGINT makes it interrupt the turn cleanly.
            if let pid = await environment.runningProcess(session: id) {
                guard kill(pid, SIGINT) == 0 else {
                    throw SkatFailure("cannot signal process \(pid): \(String(cString: strerror(errno)))")
                }
                Output.out("interrupt sent to process \(pid) running \(id)\n")
                return
            }
            Output.out("session \(id) is not running; nothing to interrupt\n")
        }
    }
}

/// `skat session history -o json`.
struct HistoryOutput: Encodable {
    var messages: [Message]
    var offset: Int
    var total: Int
    var hasMore: Bool

    private enum CodingKeys: String, CodingKey { case messages, offset, total, hasMore = "has_more" }
}

extension TranscriptExport.Format: ExpressibleByArgument {}

import ArgumentParser
import Dispatch
import Foundation
import MeerkatTesting

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the built-in mock LLM provider on 127.0.0.1 (for demos, tests and benchmarks).",
        discussion: """
            The mock speaks the Anthropic Messages, OpenAI Chat Completions, OpenAI Responses and Gemini wire \
            protocols on their usual paths. With no script queued it answers by rule: a user message containing \
            `call tool NAME {json}` gets that tool call; a conversation ending in tool results gets \
            `tool results: ...`; anything else is echoed as `echo: <text>`.
            """)

    enum Dialect: String, ExpressibleByArgument, CaseIterable {
        case anthropic, openai, chat, gemini, all
    }

    /// Which server the mock imitates.
    enum Imitation: String, ExpressibleByArgument, CaseIterable {
        /// Every feature of the real APIs.
        case standard
        /// llama-cpp-python: refuses `response_format` json_schema (HTTP 500), streams no usage.
        case llamaCppPython = "llama-cpp-python"
    }

    @Option(help: "Port (0 picks a free one).") var port = 0
    @Option(help: "Imitate a server: standard or llama-cpp-python.") var like: Imitation = .standard
    @Option(help: "Which setup line to print: anthropic, openai, chat, gemini or all.") var dialect: Dialect = .all

    func run() async throws {
        let server = MockProviderServer(
            configuration: like == .llamaCppPython
                ? .llamaCppPython : MockProviderServer.Configuration(requireAuth: false, ruleMode: true))
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let bound: Int
        do {
            bound = try await server.start(port: port)
        } catch {
            throw MockFailure("cannot start the mock provider: \(error)")
        }
        let base = "http://127.0.0.1:\(bound)"
        Console.out("mock provider listening on \(base) (Ctrl-C to stop)\n")
        let lines: [Dialect: String] = [
            .anthropic:
                "export ANTHROPIC_BASE_URL=\(base) ANTHROPIC_API_KEY=mock   # then: skat run -m claude-opus-5 \"...\"",
            .openai:
                "export OPENAI_BASE_URL=\(base)/v1 OPENAI_API_KEY=mock     # then: skat run -m gpt-5.6-sol \"...\"",
            .chat: "self-hosted: [self_hosted.servers.mock] base_url = \"\(base)/v1\"",
            .gemini:
                "export GEMINI_BASE_URL=\(base) GEMINI_API_KEY=mock        # then: skat run -m gemini-3.5-flash \"...\"",
        ]
        for key in [Dialect.anthropic, .openai, .chat, .gemini] where dialect == .all || dialect == key {
            Console.out("  \(lines[key] ?? "")\n")
        }
        await Self.waitForTermination()
        await server.stop()
    }

    /// Returns on SIGINT or SIGTERM.
    private static func waitForTermination() async {
        let (stop, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.finish() }
            source.resume()
            sources.append(source)
        }
        for await _ in stop {}
        for source in sources { source.cancel() }
    }
}

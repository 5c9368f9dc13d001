import ArgumentParser

@main
struct Skat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skat",
        abstract: "Meerkat for Swift: a durable agent runtime for LLM sessions that call tools.",
        version: "0.1.0"
    )
}

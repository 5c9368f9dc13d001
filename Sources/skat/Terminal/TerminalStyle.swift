import Foundation

/// ANSI colour for stderr, on only when it is a terminal and `NO_COLOR` is unset or empty (https://no-color.org).
/// `CLICOLOR_FORCE=1` turns it on without a terminal (for pagers and tests); `NO_COLOR` still wins.
struct TerminalStyle: Sendable {
    let enabled: Bool

    /// The style for this process's stderr.
    static let stderr = TerminalStyle(
        enabled: decide(isTerminal: isatty(STDERR_FILENO) == 1, environment: ProcessInfo.processInfo.environment))

    /// Whether to colour: never with a non-empty `NO_COLOR`; else on a terminal or with `CLICOLOR_FORCE` set.
    static func decide(isTerminal: Bool, environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if let force = environment["CLICOLOR_FORCE"], !force.isEmpty, force != "0" { return true }
        return isTerminal
    }

    func red(_ text: String) -> String { paint(text, "31") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }
    func green(_ text: String) -> String { paint(text, "32") }
    func dim(_ text: String) -> String { paint(text, "2") }

    private func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

public import MeerkatCore

/// Decides whether the shell tool may run a command, from `ShellSecurityMode` and glob patterns.
///
/// The command is split POSIX-style and canonicalised (`ShellWords.canonical`: quotes removed, tokens joined
/// by single spaces) before matching, so spacing and quoting tricks do not change the outcome.
///
/// - allow_list: the canonical command must match one pattern *as a whole*. Wildcards (`*`, `?`, classes)
///   never stand for a character the shell interprets (an unquoted `;`, `&`, `|`, `<`, `>`, `(`, `)`, newline,
///   or a `$`/backtick outside single quotes), so `git *` admits `git log -p` and `git commit -m "a; b"` but
///   refuses `git log; rm -rf /`, `git $(cmd)` and `git log | sh`. A compound command runs only when a pattern
///   spells its operators out (e.g. `cd * && make`).
/// - deny_list: the command is refused when a pattern matches the whole canonical command or any simple
///   command between operators (wildcards match anything here). A deny-list is a tripwire, not a sandbox: a
///   determined command can evade any finite list (e.g. through `eval` or a script file).
/// - unrestricted: everything runs.
///
/// A command that cannot be split (an unterminated quote) is refused in allow_list and deny_list modes.
public struct ShellCommandPolicy: Sendable, Hashable {
    /// The outcome for one command.
    public enum Decision: Sendable, Hashable {
        case allowed
        case denied(String)
    }

    /// How the patterns are used.
    public let mode: ShellSecurityMode
    /// The glob patterns as configured.
    public let patterns: [String]
    private let allowPatterns: [GlobPattern]
    private let denyPatterns: [GlobPattern]

    /// A policy using `patterns` as `mode` says.
    public init(mode: ShellSecurityMode, patterns: [String]) {
        self.mode = mode
        self.patterns = patterns
        allowPatterns = patterns.map { GlobPattern($0, mode: .command) }
        denyPatterns = patterns.map { GlobPattern($0, mode: .text) }
    }

    /// Whether `command` may run, with the reason when not.
    public func evaluate(_ command: String) -> Decision {
        if mode == .unrestricted { return .allowed }
        let words: ShellWords
        do {
            words = try ShellWords(command)
        } catch {
            return .denied("the command cannot be parsed (\(error.message)), so the \(mode.rawValue) cannot check it")
        }
        let canonical = words.canonical
        switch mode {
        case .unrestricted:
            return .allowed
        case .allowList:
            let mask = words.controlMask
            if allowPatterns.contains(where: { $0.matches(canonical, protecting: mask) }) { return .allowed }
            let hint =
                words.isCompound
                ? " (a command with operators, substitutions or variables must match one pattern as a whole;"
                    + " wildcards do not stand for them)" : ""
            return .denied("'\(canonical)' matches no allowed pattern\(hint)")
        case .denyList:
            for candidate in [canonical] + words.segments {
                if let pattern = denyPatterns.first(where: { $0.matches(candidate) }) {
                    return .denied("'\(candidate)' matches the denied pattern '\(pattern.pattern)'")
                }
            }
            return .allowed
        }
    }
}

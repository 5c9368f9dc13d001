public import Foundation
public import MeerkatCore

/// Settings of the `shell` tool. The tool exists only when the preset includes it (`workspace`, `full`).
public struct ShellConfig: Sendable {
    /// Timeout when the call gives no `timeout_secs`.
    public var defaultTimeout: Duration
    /// The largest `timeout_secs` a call may ask for.
    public var maxTimeout: Duration
    /// When true, `working_dir` must lie inside the project root.
    public var restrictToProject: Bool
    /// Shell program name looked up on `PATH` when `shellPath` is nil; falls back to bash, zsh, sh.
    public var shell: String
    /// Explicit shell executable; wins over `shell`.
    public var shellPath: String?
    /// Commands that may run at the same time; more are refused.
    public var maxConcurrentProcesses: Int
    /// How `securityPatterns` are applied.
    public var securityMode: ShellSecurityMode
    /// Glob patterns for the security mode.
    public var securityPatterns: [String]
    /// Characters kept of each output stream (the last ones).
    public var maxOutputCharacters: Int
    /// Time between SIGTERM and SIGKILL when a command is stopped.
    public var killGracePeriod: Duration

    /// A configuration with the documented defaults (30 s timeout, confined to the project, unrestricted).
    public init(
        defaultTimeout: Duration = .seconds(30), maxTimeout: Duration = .seconds(600), restrictToProject: Bool = true,
        shell: String = "bash", shellPath: String? = nil, maxConcurrentProcesses: Int = 10,
        securityMode: ShellSecurityMode = .unrestricted, securityPatterns: [String] = [],
        maxOutputCharacters: Int = 100_000, killGracePeriod: Duration = .seconds(2)
    ) {
        self.defaultTimeout = defaultTimeout
        self.maxTimeout = maxTimeout
        self.restrictToProject = restrictToProject
        self.shell = shell
        self.shellPath = shellPath
        self.maxConcurrentProcesses = maxConcurrentProcesses
        self.securityMode = securityMode
        self.securityPatterns = securityPatterns
        self.maxOutputCharacters = maxOutputCharacters
        self.killGracePeriod = killGracePeriod
    }

    /// The policy built from `securityMode` and `securityPatterns`.
    public var policy: ShellCommandPolicy { ShellCommandPolicy(mode: securityMode, patterns: securityPatterns) }

    /// The shell executable to run: `shellPath`, else `shell` on `PATH`, else bash, zsh or sh, else `/bin/sh`.
    public func resolveShell(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let shellPath { return shellPath }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in [shell, "bash", "zsh", "sh"] {
            if name.hasPrefix("/") {
                if FileManager.default.isExecutableFile(atPath: name) { return name }
                continue
            }
            for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
                return directory + "/" + name
            }
        }
        return "/bin/sh"
    }
}

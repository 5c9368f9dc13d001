/// How `ShellConfig.securityPatterns` are used.
public enum ShellSecurityMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every command runs; patterns are ignored.
    case unrestricted
    /// Only commands matching a pattern as a whole run.
    case allowList = "allow_list"
    /// Commands matching a pattern (as a whole or in any simple-command segment) are refused.
    case denyList = "deny_list"
}

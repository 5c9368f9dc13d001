/// Which `mcp.toml` a server entry lives in.
public enum MCPConfigScope: String, Sendable, Hashable, CaseIterable {
    /// `<project>/.skat/mcp.toml`; wins over the user file on a name clash.
    case project
    /// `~/.skat/mcp.toml`.
    case user
}

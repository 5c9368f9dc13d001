/// A per-turn narrowing of the visible tools (`--allow-tool` / `--block-tool`, `allowed_tools`/`blocked_tools`).
public struct ToolTurnOverlay: Sendable, Hashable, Codable {
    /// When set, only these tools (further narrowed by every other allow-list).
    public var allowedTools: Set<String>?
    /// Tools hidden for the turn.
    public var blockedTools: Set<String>

    private enum CodingKeys: String, CodingKey {
        case allowedTools = "allowed_tools"
        case blockedTools = "blocked_tools"
    }

    /// An overlay allowing only `allowedTools` (nil: no allow-list) and blocking `blockedTools`.
    public init(allowedTools: Set<String>? = nil, blockedTools: Set<String> = []) {
        self.allowedTools = allowedTools
        self.blockedTools = blockedTools
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allowedTools = try container.decodeIfPresent([String].self, forKey: .allowedTools).map(Set.init)
        blockedTools = Set(try container.decodeIfPresent([String].self, forKey: .blockedTools) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(allowedTools?.sorted(), forKey: .allowedTools)
        if !blockedTools.isEmpty { try container.encode(blockedTools.sorted(), forKey: .blockedTools) }
    }
}

import MeerkatCore

/// The external tool filter of a session (AGENT.md §5.5): all tools, only some, or all but some.
public enum ToolFilter: Sendable, Hashable, Codable {
    /// No restriction.
    case all
    /// Only these tools.
    case allow(Set<String>)
    /// All tools except these.
    case deny(Set<String>)

    private enum CodingKeys: String, CodingKey { case type, tools }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "all": self = .all
        case "allow": self = .allow(Set(try container.decode([String].self, forKey: .tools)))
        case "deny": self = .deny(Set(try container.decode([String].self, forKey: .tools)))
        case let other:
            throw TaggedCoding.unknownTag(other, key: "type", expected: ["all", "allow", "deny"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .all:
            try container.encode("all", forKey: .type)
        case .allow(let tools):
            try container.encode("allow", forKey: .type)
            try container.encode(tools.sorted(), forKey: .tools)
        case .deny(let tools):
            try container.encode("deny", forKey: .type)
            try container.encode(tools.sorted(), forKey: .tools)
        }
    }

    /// The tool names the filter mentions.
    public var mentionedTools: Set<String> {
        switch self {
        case .all: []
        case .allow(let tools), .deny(let tools): tools
        }
    }
}

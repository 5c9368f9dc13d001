/// Which tools the model sees for the next LLM call (AGENT.md §5.5).
///
/// A base set (the preset's tools, minus those the model cannot use, plus any others the host adds), the
/// session's external filter, and an optional per-turn overlay. They compose as: every allow-list applies
/// (allow-lists intersect), every deny-list applies (deny-lists union), and a tool that is both allowed and
/// denied is hidden (deny beats allow). The agent loop swaps scopes only at LLM-call boundaries; this type is
/// the pure value it swaps.
public struct ToolScope: Sendable, Hashable, Codable {
    /// Every tool that could be offered, in offer order.
    public var baseTools: [String]
    /// The session's external filter.
    public var filter: ToolFilter
    /// The per-turn narrowing, if any.
    public var overlay: ToolTurnOverlay?

    private enum CodingKeys: String, CodingKey {
        case baseTools = "base_tools"
        case filter
        case overlay
    }

    /// A scope over `baseTools` with the given filter and overlay.
    public init(baseTools: [String], filter: ToolFilter = .all, overlay: ToolTurnOverlay? = nil) {
        self.baseTools = baseTools
        self.filter = filter
        self.overlay = overlay
    }

    /// The tools the model sees, in base order.
    public var visibleTools: [String] {
        let rule = effectiveRule
        return baseTools.filter { rule.admits($0) }
    }

    /// True when `name` is offered to the model.
    public func isVisible(_ name: String) -> Bool {
        baseTools.contains(name) && effectiveRule.admits(name)
    }

    /// Names the filter or overlay mention that are not in the base set (likely typos; surfaces may reject them).
    public var unknownTools: Set<String> {
        var mentioned = filter.mentionedTools
        if let overlay { mentioned.formUnion((overlay.allowedTools ?? []).union(overlay.blockedTools)) }
        return mentioned.subtracting(baseTools)
    }

    /// The same scope with another overlay (nil clears it).
    public func with(overlay: ToolTurnOverlay?) -> ToolScope {
        var copy = self
        copy.overlay = overlay
        return copy
    }

    /// The same scope with another external filter.
    public func with(filter: ToolFilter) -> ToolScope {
        var copy = self
        copy.filter = filter
        return copy
    }

    /// The combined allow- and deny-lists.
    private struct Rule {
        /// nil when no allow-list applies.
        var allow: Set<String>?
        var deny: Set<String>

        /// Deny beats allow.
        func admits(_ name: String) -> Bool {
            !deny.contains(name) && (allow?.contains(name) ?? true)
        }
    }

    /// Every allow-list intersected and every deny-list united.
    private var effectiveRule: Rule {
        var allow: Set<String>?
        var deny: Set<String> = []
        func addAllow(_ names: Set<String>) { allow = allow.map { $0.intersection(names) } ?? names }
        switch filter {
        case .all: break
        case .allow(let names): addAllow(names)
        case .deny(let names): deny.formUnion(names)
        }
        if let overlay {
            if let names = overlay.allowedTools { addAllow(names) }
            deny.formUnion(overlay.blockedTools)
        }
        return Rule(allow: allow, deny: deny)
    }
}

import Foundation

/// The pure rules that rebuild a compacted context (AGENT.md §1.8): every system row kept in order, then the summary,
/// then the last complete exchanges. Whole exchanges are kept or archived, so a `tool_use` is never separated from its
/// `tool_result` (parallel calls share one assistant row and one results row), and a call without a result is never
/// archived.
public enum CompactionRebuild {
    /// A row of the current context with its transcript index.
    public struct Row: Sendable, Hashable {
        public var index: Int
        public var message: Message

        public init(index: Int, message: Message) {
            self.index = index
            self.message = message
        }
    }

    /// What a compaction keeps and archives, as transcript indices.
    public struct Plan: Sendable, Hashable {
        /// System rows placed before the summary, in order.
        public var pinned: [Int]
        /// Rows kept verbatim after the summary, in order.
        public var recent: [Int]
        /// Context rows the summary replaces (kept in history only), in order.
        public var archived: [Int]
        /// Complete exchanges kept after the summary.
        public var keptExchanges: Int
        /// False when even the smallest legal rebuild does not satisfy the size check.
        public var fits: Bool

        /// The context after the summary row at `summaryIndex` is appended (rows appended later follow it).
        public func activeContext(summaryIndex: Int) -> ActiveContext {
            ActiveContext(indices: pinned + [summaryIndex] + recent, tailStart: summaryIndex + 1)
        }
    }

    /// Positions (into `rows`) where an exchange starts: a conversational user row, moved back over the
    /// `injected_context` rows placed just before it.
    public static func exchangeStarts(_ rows: [Row]) -> [Int] {
        var starts: [Int] = []
        for (position, row) in rows.enumerated() {
            guard case .user(_, .conversational, _) = row.message else { continue }
            var start = position
            while start > 0, case .user(_, .injectedContext, _) = rows[start - 1].message { start -= 1 }
            if starts.last != start { starts.append(start) }
        }
        return starts
    }

    /// Plans a rebuild of `rows` (the current context in model order).
    /// - Parameters:
    ///   - recentTurnBudget: complete exchanges to keep verbatim (at least one when the context awaits a model
    ///     response, so a run in progress keeps its own exchange).
    ///   - fits: size check of a candidate (pinned system rows + recent rows); fewer exchanges are kept while it
    ///     fails, down to the smallest legal set.
    public static func plan(
        context rows: [Row], recentTurnBudget: Int, fits: ([Message]) -> Bool = { _ in true }
    ) -> Plan {
        let starts = exchangeStarts(rows)
        let awaitsResponse: Bool = {
            switch rows.last?.message {
            case .user?, .toolResults?, .systemNotice?: true
            case .assistant?, .system?, nil: false
            }
        }()
        let budget = max(recentTurnBudget, awaitsResponse ? 1 : 0)
        // Candidate cut positions from the most exchanges kept to the fewest; rows.count keeps none, which is
        // only legal when no response is awaited.
        var cuts = Array(starts.suffix(budget))
        if !awaitsResponse || cuts.isEmpty { cuts.append(rows.count) }
        var chosen: Int?
        var smallestLegal: Int?
        for cut in cuts {
            let legal = legalCut(rows, from: cut, starts: starts)
            smallestLegal = legal
            if fits(candidate(rows, cut: legal)) {
                chosen = legal
                break
            }
        }
        let cut = chosen ?? smallestLegal ?? rows.count
        var plan = split(rows, cut: cut)
        plan.keptExchanges = starts.filter { $0 >= cut }.count
        plan.fits = chosen != nil
        return plan
    }

    /// Moves `cut` back until no kept result answers an archived call and no archived call is unanswered.
    static func legalCut(_ rows: [Row], from cut: Int, starts: [Int]) -> Int {
        var cut = cut
        while cut > 0 {
            var answered: Set<String> = []
            for row in rows {
                if case .toolResults(let results, _) = row.message { answered.formUnion(results.map(\.toolUseID)) }
            }
            var archivedCalls: [String: Int] = [:]
            for (position, row) in rows[..<cut].enumerated() {
                for call in row.message.toolCalls { archivedCalls[call.id] = position }
            }
            var earliestNeeded: Int?
            for row in rows[cut...] {
                guard case .toolResults(let results, _) = row.message else { continue }
                for result in results {
                    if let position = archivedCalls[result.toolUseID] {
                        earliestNeeded = min(earliestNeeded ?? position, position)
                    }
                }
            }
            for (id, position) in archivedCalls where !answered.contains(id) {
                earliestNeeded = min(earliestNeeded ?? position, position)
            }
            guard let needed = earliestNeeded else { return cut }
            // Keep the whole exchange holding the call, or the call's row itself when no exchange starts before it.
            cut = starts.last { $0 <= needed } ?? needed
        }
        return cut
    }

    /// The rows a cut keeps (pinned system rows, then the recent ones), for size checks.
    static func candidate(_ rows: [Row], cut: Int) -> [Message] {
        let plan = split(rows, cut: cut)
        let byIndex = Dictionary(rows.map { ($0.index, $0.message) }, uniquingKeysWith: { first, _ in first })
        return (plan.pinned + plan.recent).compactMap { byIndex[$0] }
    }

    private static func split(_ rows: [Row], cut: Int) -> Plan {
        var plan = Plan(pinned: [], recent: [], archived: [], keptExchanges: 0, fits: true)
        for (position, row) in rows.enumerated() {
            let isSummary: Bool
            if case .user(_, .compactionSummary, _) = row.message { isSummary = true } else { isSummary = false }
            if position < cut {
                if case .system = row.message { plan.pinned.append(row.index) } else { plan.archived.append(row.index) }
            } else if isSummary {
                // A new summary supersedes the old one (the summary call saw it).
                plan.archived.append(row.index)
            } else {
                plan.recent.append(row.index)
            }
        }
        return plan
    }
}

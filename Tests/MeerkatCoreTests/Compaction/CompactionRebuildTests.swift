import Foundation
import MeerkatCore
import Testing

/// Rows for rebuild tests.
private enum R {
    static let date = Date(timeIntervalSince1970: 0)
    static func system(_ text: String) -> Message { .system(content: text, createdAt: date) }
    static func user(_ text: String) -> Message {
        .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
    }
    static func injected(_ text: String) -> Message {
        .user(content: [.text(text)], transcriptRole: .injectedContext, createdAt: date)
    }
    static func summary(_ text: String) -> Message {
        .user(content: [.text(text)], transcriptRole: .compactionSummary, createdAt: date)
    }
    static func image(_ text: String) -> Message {
        .user(
            content: [
                .text(text), .image(mediaType: "image/png", source: .inline(data: String(repeating: "A", count: 4000))),
            ],
            transcriptRole: .conversational, createdAt: date)
    }
    static func answer(_ text: String) -> Message {
        .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: date)
    }
    static func calls(_ ids: String...) -> Message {
        .assistant(
            blocks: ids.map { .toolUse(ToolCall(id: $0, name: "echo", args: ["text": "x"])) }, stopReason: .toolUse,
            createdAt: date)
    }
    static func results(_ ids: String...) -> Message {
        .toolResults(results: ids.map { ToolResult(toolUseID: $0, text: "ok \($0)") }, createdAt: date)
    }
    static func rows(_ messages: [Message]) -> [CompactionRebuild.Row] {
        messages.enumerated().map { CompactionRebuild.Row(index: $0.offset, message: $0.element) }
    }
}

/// Checks that every tool_use in `messages` is answered in `messages` and every result answers a call in them.
private func pairingProblems(_ messages: [Message]) -> [String] {
    var calls: Set<String> = []
    var answered: Set<String> = []
    var problems: [String] = []
    for message in messages {
        for call in message.toolCalls { calls.insert(call.id) }
        if case .toolResults(let results, _) = message {
            for result in results {
                if !calls.contains(result.toolUseID) { problems.append("orphan result \(result.toolUseID)") }
                answered.insert(result.toolUseID)
            }
        }
    }
    for call in calls.subtracting(answered) { problems.append("unanswered call \(call)") }
    return problems.sorted()
}

@Suite("Compaction rebuild rules")
struct CompactionRebuildTests {
    @Test func keepsSystemRowsSummaryAndLastExchanges() {
        let messages: [Message] = [
            R.system("base"), R.user("u1"), R.answer("a1"), R.system("mid"), R.user("u2"), R.answer("a2"),
            R.user("u3"), R.answer("a3"), R.user("u4"), R.answer("a4"),
        ]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 2)
        #expect(plan.pinned == [0, 3])
        #expect(plan.recent == [6, 7, 8, 9])
        #expect(plan.archived == [1, 2, 4, 5])
        #expect(plan.keptExchanges == 2 && plan.fits)
        let view = plan.activeContext(summaryIndex: 10)
        #expect(view.indices(count: 11) == [0, 3, 10, 6, 7, 8, 9])
        #expect(view.indices(count: 13) == [0, 3, 10, 6, 7, 8, 9, 11, 12])
    }

    @Test func systemRowInsideKeptExchangesStaysInPlace() {
        let messages: [Message] = [R.user("u1"), R.answer("a1"), R.user("u2"), R.system("late"), R.answer("a2")]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 1)
        #expect(plan.pinned.isEmpty)
        #expect(plan.recent == [2, 3, 4])
    }

    @Test func toolPairsAndParallelCallsStayWhole() {
        let messages: [Message] = [
            R.user("u1"), R.calls("a", "b"), R.results("a", "b"), R.answer("a1"),
            R.user("u2"), R.calls("c"), R.results("c"), R.calls("d", "e", "f"), R.results("d", "e", "f"),
            R.answer("a2"),
        ]
        for budget in 0...3 {
            let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: budget)
            let kept = (plan.pinned + plan.recent).map { messages[$0] }
            let archived = plan.archived.map { messages[$0] }
            #expect(pairingProblems(kept).isEmpty, "budget \(budget): \(pairingProblems(kept))")
            #expect(pairingProblems(archived).isEmpty, "budget \(budget): \(pairingProblems(archived))")
        }
    }

    @Test func resultAnsweringAnOlderCallPullsTheCallsExchangeIn() {
        // A callback-style result arrives after a later user row: the call's exchange must be kept with it.
        let messages: [Message] = [
            R.user("u1"), R.calls("slow"), R.user("u2"), R.results("slow"), R.answer("a2"),
        ]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 1)
        #expect(plan.recent == [0, 1, 2, 3, 4])
        #expect(plan.archived.isEmpty)
    }

    @Test func unansweredCallIsNeverArchived() {
        let messages: [Message] = [
            R.user("u1"), R.calls("open"), R.user("u2"), R.answer("a2"), R.user("u3"), R.answer("a3"),
        ]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 1)
        #expect(plan.recent.contains(1))
        #expect(!plan.archived.contains(1))
    }

    @Test func runInProgressKeepsItsOwnExchangeEvenWithZeroBudget() {
        let messages: [Message] = [
            R.user("u1"), R.answer("a1"), R.user("u2"), R.calls("c"), R.results("c"),
        ]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 0)
        #expect(plan.recent == [2, 3, 4])
        #expect(plan.archived == [0, 1])
        let idle = CompactionRebuild.plan(context: R.rows(Array(messages.prefix(2))), recentTurnBudget: 0)
        #expect(idle.recent.isEmpty && idle.archived == [0, 1])
    }

    @Test func injectedContextTravelsWithItsUserMessage() {
        let messages: [Message] = [R.user("u1"), R.answer("a1"), R.injected("ctx"), R.user("u2"), R.answer("a2")]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 1)
        #expect(plan.recent == [2, 3, 4])
    }

    @Test func previousSummaryIsReplaced() {
        // The context of a compacted session: system, old summary (index 9), recent rows, then new rows.
        let messages: [Message] = [
            R.system("base"), R.user("u1"), R.answer("a1"), R.user("u2"), R.answer("a2"), R.summary("old"),
            R.user("u3"), R.answer("a3"),
        ]
        let order = [0, 5, 3, 4, 6, 7]
        let rows = order.map { CompactionRebuild.Row(index: $0, message: messages[$0]) }
        let plan = CompactionRebuild.plan(context: rows, recentTurnBudget: 2)
        #expect(plan.pinned == [0])
        #expect(plan.recent == [3, 4, 6, 7])
        #expect(plan.archived == [5])
    }

    @Test func bytePressureKeepsFewerExchangesAndImagesStayWithTheirExchange() {
        let messages: [Message] = [
            R.user("u1"), R.answer("a1"), R.image("look"), R.answer("a2"), R.user("u3"), R.answer("a3"),
        ]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 3) { kept in
            // Anything with the 4 KB image is too big.
            !kept.contains { if case .user(let content, _, _) = $0 { content.count > 1 } else { false } }
        }
        #expect(plan.recent == [4, 5])
        #expect(plan.keptExchanges == 1 && plan.fits)
    }

    @Test func reportsWhenEvenTheSmallestRebuildDoesNotFit() {
        let messages: [Message] = [R.user("u1"), R.answer("a1"), R.user("u2"), R.calls("c"), R.results("c")]
        let plan = CompactionRebuild.plan(context: R.rows(messages), recentTurnBudget: 2) { _ in false }
        #expect(!plan.fits)
        #expect(plan.recent == [2, 3, 4])
    }

    @Test func summaryTooLongIsCutToItsBound() {
        let estimator = TokenEstimator(bytesPerToken: 4)
        let long = String(repeating: "word ", count: 1000)
        let bounded = CompactionSummary.bounded(long, maxTokens: 100, estimator: estimator)
        #expect(bounded.hasSuffix(CompactionSummary.truncationMarker))
        #expect(estimator.tokens(bytes: bounded.utf8.count) <= 100)
        #expect(CompactionSummary.bounded("short", maxTokens: 100, estimator: estimator) == "short")
    }

    @Test func excerptProjectsImagesAndKeepsTheNewestRowsWithinItsBound() {
        var messages: [Message] = [R.system("base"), R.summary("earlier facts"), R.image("see picture")]
        for index in 0..<50 {
            messages.append(R.user("request \(index) " + String(repeating: "x", count: 100)))
            messages.append(R.answer("answer \(index)"))
        }
        let rows = R.rows(messages)
        let excerpt = CompactionSummary.excerpt(rows: rows, archived: Set(0..<100), maxBytes: 2000)
        #expect(excerpt.utf8.count <= 2000)
        #expect(excerpt.contains("Earlier summary:\nearlier facts"))
        #expect(excerpt.contains("answer 49"))
        #expect(excerpt.contains("earlier rows omitted"))
        #expect(!excerpt.contains("AAAA"))
        let small = CompactionSummary.excerpt(rows: Array(rows.prefix(3)), archived: [2], maxBytes: 10_000)
        #expect(small.contains("[image image/png]"))
    }

    @Test func mechanicalSummaryIsDeterministic() {
        let messages: [Message] = [R.user("fix the build"), R.calls("a"), R.results("a"), R.answer("fixed")]
        let rows = R.rows(messages)
        let first = CompactionSummary.mechanical(rows: rows, archived: [0, 1, 2, 3])
        #expect(first == CompactionSummary.mechanical(rows: rows, archived: [0, 1, 2, 3]))
        #expect(first.contains("fix the build") && first.contains("echo ×1") && first.contains("fixed"))
    }

    @Test func activeContextRoundTripsAndValidates() throws {
        let view = ActiveContext(indices: [0, 1, 5, 2, 3], tailStart: 6)
        #expect(view.segments == [0..<2, 5..<6, 2..<4])
        let data = try WireJSON.encoder().encode(view)
        #expect(try WireJSON.decoder().decode(ActiveContext.self, from: data) == view)
        #expect(view.problem(count: 6) == nil)
        #expect(view.problem(count: 4) != nil)
        var session = Session(messages: (0..<8).map { R.user("m\($0)") })
        session.activeContext = view
        #expect(session.contextIndices == [0, 1, 5, 2, 3, 6, 7])
        #expect(session.isArchived(4) && !session.isArchived(5) && !session.isArchived(7))
    }

    @Test func estimatorLearnsFromReportedUsageWithinBounds() {
        var estimator = TokenEstimator(provider: "anthropic")
        #expect(estimator.bytesPerToken == 3.5)
        estimator.observe(requestBytes: 5000, reportedInputTokens: 1000)
        #expect(estimator.bytesPerToken == 5)
        estimator.observe(requestBytes: 3000, reportedInputTokens: 1000)
        #expect(estimator.bytesPerToken == 4)
        #expect(estimator.tokens(bytes: 15) == 4)
        var broken = TokenEstimator(provider: "openai")
        broken.observe(requestBytes: 100, reportedInputTokens: 1000)
        #expect(broken.bytesPerToken == TokenEstimator.ratioBounds.lowerBound)
    }
}

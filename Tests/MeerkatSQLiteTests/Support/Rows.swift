import Foundation
import MeerkatCore
import MeerkatRuntime

/// Deterministic timestamps with millisecond precision (what the wire format keeps).
func instant(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: 1_700_000_000 + Double(seconds))
}

/// Input and row builders for store tests.
enum Rows {
    static func prompt(_ text: String, key: String? = nil, durability: InputDurability = .durable) -> Input {
        .prompt(
            PromptInput(
                header: InputHeader(
                    timestamp: instant(0), durability: durability, idempotencyKey: key.map { IdempotencyKey($0) }),
                content: .text(text)))
    }

    /// A row of `input` with `seed`, as the runtime would write it.
    static func row(_ input: Input, _ seed: InputStateSeed, at seconds: Int = 1) -> StoredInputState {
        let plan = try! PolicyTable.resolve(input, context: .idle)
        return StoredInputState(state: InputState(admitting: input, plan: plan, at: instant(seconds)), seed: seed)
    }

    static func queued(_ text: String, key: String? = nil, sequence: UInt64 = 1) -> StoredInputState {
        row(prompt(text, key: key), .queued(lane: .queue, admissionSequence: sequence))
    }

    /// `row` after a successful run: consumed with its recorded completion outcome.
    static func consumed(_ row: StoredInputState, run: RunID, sequence: UInt64 = 1) -> StoredInputState {
        var next = row
        next.seed = InputStateSeed(
            phase: .consumed, lastRunID: run, lastBoundarySequence: sequence,
            admissionSequence: row.seed.admissionSequence, terminalOutcome: .consumed, attemptCount: 1,
            recoveryLane: row.seed.recoveryLane)
        next.state.recordTransition(from: row.phase, to: .consumed, reason: "BoundaryApplied", at: instant(5))
        next.state.terminalCompletion = .completedWithoutResult
        return next
    }

    static func receipt(run: RunID, sequence: UInt64, inputs: [InputID] = [], messages: Int = 2)
        -> RunBoundaryReceipt
    {
        RunBoundaryReceipt(
            runID: run, boundary: .runStart, contributingInputIDs: inputs, messageCount: messages, sequence: sequence)
    }
}

/// Transcript builders.
enum Transcript {
    static func user(_ text: String, at seconds: Int = 0) -> Message {
        .user(content: [.text(text)], transcriptRole: .conversational, createdAt: instant(seconds))
    }

    static func assistant(_ text: String, at seconds: Int = 0) -> Message {
        .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: instant(seconds))
    }

    static func toolCall(_ id: String, at seconds: Int = 0) -> Message {
        .assistant(
            blocks: [.toolUse(ToolCall(id: id, name: "read_file", args: ["path": .string("README.md")]))],
            stopReason: .toolUse, createdAt: instant(seconds))
    }

    static func toolResult(_ id: String, at seconds: Int = 0) -> Message {
        .toolResults(results: [ToolResult(toolUseID: id, text: "contents of \(id)")], createdAt: instant(seconds))
    }

    /// A session with `count` alternating user/assistant messages.
    static func session(
        _ id: SessionID = SessionID(), count: Int, labels: [String: String] = [:], updated: Int = 0
    ) -> Session {
        var messages: [Message] = []
        for index in 0..<count {
            messages.append(
                index % 2 == 0 ? user("question \(index)", at: index) : assistant("answer \(index)", at: index))
        }
        var metadata: [String: JSONValue] = ["model": .string("test-model")]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        return Session(
            id: id, messages: messages, metadata: metadata, usage: Usage(inputTokens: 10 * count, outputTokens: count),
            createdAt: instant(0), updatedAt: instant(updated))
    }
}

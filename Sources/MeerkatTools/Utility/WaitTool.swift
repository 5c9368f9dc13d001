import Foundation
public import MeerkatCore

/// `wait {seconds, reason?}`: pauses cooperatively.
///
/// The wait ends when the time is up, when the runtime fires the call's `YieldSignal` (new input arrived), or
/// when the task is cancelled — whichever comes first. The result says which (`woken_by`: `timeout`,
/// `yield_signal` or `cancelled`).
public struct WaitTool: Tool {
    /// The longest wait accepted, in seconds.
    public static let maxSeconds = 3600.0

    private let clock: any ToolClock

    /// A wait whose sleeps go through `clock`.
    public init(clock: any ToolClock = SystemToolClock()) {
        self.clock = clock
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.wait.rawValue,
            description: """
                Wait for a number of seconds (at most \(Int(Self.maxSeconds))), e.g. for a background process. \
                The wait ends early when new input arrives for this session.
                """,
            inputSchema: ToolSchema.object(
                [
                    "seconds": ToolSchema.number("How long to wait, in seconds.", minimum: 0, maximum: Self.maxSeconds),
                    "reason": ToolSchema.string("Why you are waiting (shown to observers)."),
                ], required: ["seconds"]))
    }

    /// Why a wait ended.
    private enum Wake: String {
        case timeout
        case yieldSignal = "yield_signal"
        case cancelled
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        guard let seconds = try args.number("seconds", in: 0...Self.maxSeconds) else {
            throw ToolError.invalidArguments("missing required argument 'seconds'")
        }
        let reason = try args.string("reason")
        let signal = context.yieldSignal
        // Read before racing, so a fire that lands while the race is being set up still wakes us.
        let generation = context.yieldGeneration
        let clock = self.clock
        let started = ContinuousClock.now
        let alreadyWoken = await context.shouldYield()
        let wake =
            alreadyWoken
            ? Wake.yieldSignal
            : await withTaskGroup(of: Wake.self) { group in
                group.addTask {
                    do {
                        try await clock.sleep(for: .seconds(seconds))
                        return .timeout
                    } catch {
                        return .cancelled
                    }
                }
                group.addTask {
                    await signal.wait(after: generation)
                    return Task.isCancelled ? .cancelled : .yieldSignal
                }
                let first = await group.next() ?? .cancelled
                group.cancelAll()
                return first
            }
        let elapsed = ContinuousClock.now - started
        var result: [String: JSONValue] = [
            "requested_secs": .number(seconds),
            "elapsed_secs": .number(elapsed.roundedSeconds),
            "woken_by": .string(wake.rawValue),
        ]
        if let reason { result["reason"] = .string(reason) }
        return .json(.object(result))
    }
}

import Foundation
public import MeerkatCore

/// A tool backed by a closure, for tests.
public struct ClosureTool: Tool {
    public let definition: ToolDefinition
    private let body: @Sendable (JSONValue, ToolCallContext) async throws -> ToolOutput

    public init(
        name: String, description: String = "test tool",
        inputSchema: JSONValue = ["type": "object", "properties": [:]],
        body: @escaping @Sendable (JSONValue, ToolCallContext) async throws -> ToolOutput
    ) {
        self.definition = ToolDefinition(name: name, description: description, inputSchema: inputSchema)
        self.body = body
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        try await body(arguments, context)
    }
}

/// Lets `parties` tasks meet: each `arrive()` suspends until all have arrived. Proves concurrency without sleeps.
public actor Rendezvous {
    private let parties: Int
    private var arrived = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Most tasks that were inside `arrive()` at once.
    public private(set) var maxWaiting = 0

    public init(parties: Int) { self.parties = parties }

    /// Waits until every party has arrived.
    public func arrive() async {
        arrived += 1
        if arrived >= parties {
            maxWaiting = max(maxWaiting, waiters.count + 1)
            let all = waiters
            waiters = []
            for waiter in all { waiter.resume() }
            return
        }
        await withCheckedContinuation { continuation in
            waiters.append(continuation)
            maxWaiting = max(maxWaiting, waiters.count)
        }
    }
}

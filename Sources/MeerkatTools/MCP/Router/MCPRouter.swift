import Foundation
public import MeerkatCore

/// Connects every configured MCP server in the background and offers their tools as one flat, unprefixed set.
///
/// `start()` returns at once; each server connects on its own task and its tools join `currentTools()` when it
/// is ready (subscribe to `events()` to learn when, and stage the new set into the agent at the next LLM call
/// boundary). A tool name listed by two servers is withheld from both (fail closed) with a `conflict` event.
/// A server that fails to connect, or dies, is retried with exponential backoff (`MCPReconnectPolicy`), its
/// sleeps going through the injected `ToolClock`; calls in flight on a dying server fail at once.
public actor MCPRouter {
    private struct Entry {
        var config: MCPServerConfig
        var state: MCPServerState = .connecting(attempt: 1)
        var client: MCPClient?
        var tools: [MCPToolDescriptor] = []
        var settled = false
    }

    /// The servers this router manages, in configuration order.
    public nonisolated let servers: [MCPServerConfig]
    private let policy: MCPReconnectPolicy
    private let clock: any ToolClock
    private var entries: [String: Entry] = [:]
    private var supervisors: [Task<Void, Never>] = []
    private var subscribers: [UUID: AsyncStream<MCPRouterEvent>.Continuation] = [:]
    private var settleWaiters: [CheckedContinuation<Void, Never>] = []
    private var offered: [String] = []
    private var conflicts: [String: [String]] = [:]
    private var started = false
    private var stopping = false

    /// A router for already expanded server configs (`MCPConfigFile.resolvedServers()`); names must be unique
    /// (a later duplicate is ignored).
    public init(
        servers: [MCPServerConfig], reconnect: MCPReconnectPolicy = MCPReconnectPolicy(),
        clock: any ToolClock = SystemToolClock()
    ) {
        var seen: Set<String> = []
        self.servers = servers.filter { seen.insert($0.name).inserted }
        self.policy = reconnect
        self.clock = clock
        for server in self.servers { entries[server.name] = Entry(config: server) }
    }

    /// Starts connecting every server in the background and returns immediately (later calls do nothing).
    public func start() {
        guard !started, !stopping else { return }
        started = true
        for server in servers {
            supervisors.append(Task { await self.supervise(server) })
        }
        if servers.isEmpty { resumeSettleWaiters() }
    }

    /// Events from now on, until `shutdown()`.
    public func events() -> AsyncStream<MCPRouterEvent> {
        let (stream, continuation) = AsyncStream<MCPRouterEvent>.makeStream()
        if stopping {
            continuation.finish()
            return stream
        }
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    /// The tools on offer now: those of ready servers, minus withheld names, in server then listing order.
    public func currentTools() -> [any Tool] {
        visibleTools().map { $0 }
    }

    /// The names of the tools on offer now.
    public func toolNames() -> [String] { offered }

    /// The server that owns an offered tool, or nil.
    public func owner(ofTool name: String) -> String? {
        visibleTools().first { $0.definition.name == name }?.serverName
    }

    /// Each server's state.
    public func states() -> [String: MCPServerState] { entries.mapValues(\.state) }

    /// Tool names withheld because several servers expose them, with those servers.
    public func withheldTools() -> [String: [String]] { conflicts }

    /// Standing notices to show: servers still connecting, retrying or given up, and withheld tool names.
    public func notices() -> [String] {
        var notices: [String] = []
        for server in servers {
            guard let entry = entries[server.name] else { continue }
            switch entry.state {
            case .connecting(let attempt):
                notices.append(MCPRouterEvent.connecting(server: server.name, attempt: attempt).notice ?? "")
            case .retrying(let message, let retryIn):
                notices.append(
                    MCPRouterEvent.connectFailed(server: server.name, message: message, retryIn: retryIn).notice ?? "")
            case .failed(let message):
                notices.append(
                    MCPRouterEvent.connectFailed(server: server.name, message: message, retryIn: nil).notice ?? "")
            case .ready, .stopped:
                break
            }
        }
        for tool in conflicts.keys.sorted() {
            notices.append(MCPRouterEvent.conflict(tool: tool, servers: conflicts[tool] ?? []).notice ?? "")
        }
        return notices
    }

    /// Suspends until every server has finished its first connection attempt (ready or failed) — what
    /// `--wait-for-mcp` waits for. Returns at once after `shutdown()`.
    public func waitUntilSettled() async {
        if stopping || (started && entries.values.allSatisfy(\.settled)) { return }
        await withCheckedContinuation { settleWaiters.append($0) }
    }

    /// Stops reconnecting, closes every connection (terminating stdio servers) and ends the event streams.
    public func shutdown() async {
        guard !stopping else { return }
        stopping = true
        for task in supervisors { task.cancel() }
        let clients = entries.values.compactMap(\.client)
        for name in entries.keys {
            entries[name]?.client = nil
            entries[name]?.state = .stopped
        }
        for client in clients { await client.close() }
        for task in supervisors { await task.value }
        supervisors.removeAll()
        resumeSettleWaiters()
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    /// Routes a call to the tool's server.
    func call(server: String, tool: String, arguments: JSONValue) async throws -> ToolOutput {
        guard let client = entries[server]?.client else {
            throw ToolError.unavailable("MCP server '\(server)' is not connected (\(describe(entries[server]?.state)))")
        }
        do {
            return try await client.callTool(tool, arguments: arguments)
        } catch MCPClientError.connectionClosed(let reason) {
            throw ToolError.unavailable("MCP server '\(server)' went away during the call: \(reason)")
        } catch let error as MCPClientError {
            throw ToolError.executionFailed("MCP server '\(server)': \(error)")
        }
    }

    // MARK: - Supervision

    private func supervise(_ server: MCPServerConfig) async {
        var failures = 0
        while !Task.isCancelled, !stopping {
            let attempt = failures + 1
            update(server.name) { $0.state = .connecting(attempt: attempt) }
            emit(.connecting(server: server.name, attempt: attempt))
            let outcome: Result<MCPClient, any Error>
            do {
                outcome = .success(try await MCPClient.connect(server))
            } catch {
                outcome = .failure(error)
            }
            if stopping || Task.isCancelled {
                if case .success(let client) = outcome { await client.close() }
                return
            }
            let retryMessage: String
            switch outcome {
            case .success(let client):
                let connectedAt = ContinuousClock.now
                await install(client, for: server.name)
                let reason = await client.waitUntilClosed()
                if stopping { return }
                uninstall(server.name)
                if ContinuousClock.now - connectedAt >= policy.resetAfter { failures = 0 }
                failures += 1
                let retryIn = failures > policy.maxAttempts ? nil : policy.delay(afterFailures: failures)
                emit(.disconnected(server: server.name, message: reason, retryIn: retryIn))
                retryMessage = "disconnected: \(reason)"
            case .failure(let error):
                failures += 1
                let retryIn = failures > policy.maxAttempts ? nil : policy.delay(afterFailures: failures)
                retryMessage = "\(error)"
                emit(.connectFailed(server: server.name, message: retryMessage, retryIn: retryIn))
            }
            guard failures <= policy.maxAttempts else {
                update(server.name) {
                    $0.state = .failed(message: retryMessage)
                    $0.settled = true
                }
                checkSettled()
                return
            }
            let delay = policy.delay(afterFailures: failures)
            update(server.name) {
                $0.state = .retrying(message: retryMessage, retryIn: delay)
                $0.settled = true
            }
            checkSettled()
            do {
                try await clock.sleep(for: delay)
            } catch {
                return
            }
        }
    }

    private func install(_ client: MCPClient, for name: String) async {
        let tools = await client.tools
        update(name) {
            $0.client = client
            $0.tools = tools
            $0.state = .ready(tools: tools.map(\.name))
            $0.settled = true
        }
        await client.setToolsChangedHandler { [weak self] in
            Task { await self?.refreshTools(of: name) }
        }
        emit(.ready(server: name, tools: tools.map(\.name)))
        recompute()
        checkSettled()
    }

    private func uninstall(_ name: String) {
        update(name) {
            $0.client = nil
            $0.tools = []
        }
        recompute()
    }

    /// Re-lists a server's tools after `notifications/tools/list_changed`.
    private func refreshTools(of name: String) async {
        guard let client = entries[name]?.client, let tools = try? await client.refreshTools() else { return }
        guard entries[name]?.client === client else { return }
        update(name) {
            $0.tools = tools
            $0.state = .ready(tools: tools.map(\.name))
        }
        recompute()
    }

    /// Recomputes the offered names and the clashes, emitting what changed.
    private func recompute() {
        var owners: [String: [String]] = [:]
        var order: [String] = []
        for server in servers {
            guard let entry = entries[server.name], entry.client != nil else { continue }
            for tool in entry.tools {
                if owners[tool.name] == nil { order.append(tool.name) }
                owners[tool.name, default: []].append(server.name)
            }
        }
        let clashes = owners.filter { $0.value.count > 1 }
        for tool in clashes.keys.sorted() where conflicts[tool] != clashes[tool] {
            emit(.conflict(tool: tool, servers: clashes[tool] ?? []))
        }
        conflicts = clashes
        let names = order.filter { clashes[$0] == nil }
        if names != offered {
            offered = names
            emit(.toolsChanged(tools: names))
        }
    }

    private func visibleTools() -> [MCPTool] {
        var tools: [MCPTool] = []
        let offeredNames = Set(offered)
        for server in servers {
            guard let entry = entries[server.name], entry.client != nil else { continue }
            for tool in entry.tools where offeredNames.contains(tool.name) {
                tools.append(MCPTool(descriptor: tool, serverName: server.name, router: self))
            }
        }
        return tools
    }

    // MARK: - Helpers

    private func update(_ name: String, _ change: (inout Entry) -> Void) {
        guard var entry = entries[name] else { return }
        change(&entry)
        entries[name] = entry
    }

    private func emit(_ event: MCPRouterEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    private func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)
    }

    private func checkSettled() {
        if entries.values.allSatisfy(\.settled) { resumeSettleWaiters() }
    }

    private func resumeSettleWaiters() {
        let waiters = settleWaiters
        settleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    private func describe(_ state: MCPServerState?) -> String {
        switch state {
        case .connecting(let attempt): attempt == 1 ? "still connecting" : "reconnecting, attempt \(attempt)"
        case .retrying(let message, let retryIn): "\(message); retrying in \(retryIn.secondsText) s"
        case .failed(let message): "gave up: \(message)"
        case .stopped: "the router was shut down"
        case .ready, nil: "unknown server"
        }
    }
}

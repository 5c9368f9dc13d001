import Foundation
public import MeerkatCore
public import MeerkatTools

/// Keeps live agents' tool sets in step with the MCP servers: servers connect in the background, and whenever the
/// offered tools change every registered agent gets a new dispatcher, applied at its next LLM call (never mid-stream).
public actor MCPToolFeed {
    private struct Registration {
        weak var agent: Agent?
        let build: @Sendable ([any Tool]) -> ToolDispatcher
    }

    public let router: MCPRouter
    private var registrations: [Registration] = []
    private var listener: Task<Void, Never>?

    public init(router: MCPRouter) {
        self.router = router
    }

    /// Starts the background connections (idempotent).
    public func start() async {
        guard listener == nil else { return }
        let events = await router.events()
        await router.start()
        listener = Task { [weak self] in
            for await event in events {
                switch event {
                case .toolsChanged, .ready, .disconnected: await self?.restage()
                default: break
                }
            }
        }
    }

    /// The MCP tools offered right now.
    public func currentTools() async -> [any Tool] {
        await router.currentTools()
    }

    /// Registers an agent; `build` turns the current MCP tools into its full dispatcher.
    public func register(_ agent: Agent, build: @escaping @Sendable ([any Tool]) -> ToolDispatcher) async {
        registrations.removeAll { $0.agent == nil }
        registrations.append(Registration(agent: agent, build: build))
    }

    private func restage() async {
        registrations.removeAll { $0.agent == nil }
        let tools = await router.currentTools()
        for registration in registrations {
            await registration.agent?.stageTools(registration.build(tools))
        }
    }

    /// Closes every server connection.
    public func shutdown() async {
        listener?.cancel()
        await router.shutdown()
    }
}

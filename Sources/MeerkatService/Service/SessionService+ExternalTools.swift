import Foundation
public import MeerkatCore
import MeerkatRuntime

/// External tool providers: a surface (the JSON-RPC server) lends a session tools that its client executes. The
/// tools join the session's dispatcher from the next LLM call on and leave it when the provider is removed.
extension SessionService {
    /// Registers (or replaces) the tools `provider` offers to a session. Tool names must be unique among them.
    public func registerExternalTools(
        _ tools: [ExternalTool], session id: SessionID, provider: ExternalToolProviderID
    ) async throws(ServiceError) {
        var seen: Set<String> = []
        for (index, tool) in tools.enumerated() {
            let name = tool.definition.name
            guard Self.isValidToolName(name) else {
                throw .invalidRequest(
                    field: "tools[\(index)].name",
                    message: "must be 1-64 characters of letters, digits, '_' or '-', got '\(name)'")
            }
            guard seen.insert(name).inserted else {
                throw .invalidRequest(field: "tools[\(index)].name", message: "duplicate tool name '\(name)'")
            }
            guard case .object = tool.definition.inputSchema else {
                throw .invalidRequest(field: "tools[\(index)].input_schema", message: "must be a JSON Schema object")
            }
        }
        let agent = try await agent(id)
        externalTools[id, default: [:]][provider] = tools.map { Self.tracked($0, calls: callbackCalls) }
        await agent.setExternalTools(Self.merged(externalTools[id] ?? [:]))
    }

    /// Removes every tool `provider` lent to any session (a client disconnected).
    public func removeExternalTools(provider: ExternalToolProviderID) async {
        for (session, providers) in externalTools where providers[provider] != nil {
            var remaining = providers
            remaining.removeValue(forKey: provider)
            externalTools[session] = remaining.isEmpty ? nil : remaining
            await liveAgent(session)?.setExternalTools(Self.merged(remaining))
        }
    }

    /// The names of the external tools a session has now.
    public func externalToolNames(_ id: SessionID) -> [String] {
        Self.merged(externalTools[id] ?? [:]).map(\.definition.name)
    }

    /// Stops a session's runtime executor (RUNTIME.md §10): pending inputs end `runtime_terminated`; the session
    /// becomes live again on its next use.
    public func stopRuntime(_ id: SessionID, reason: String = "runtime stopped") async throws(ServiceError) {
        _ = try await live(id)
        do {
            try await registry.stopRuntimeExecutor(session: id, reason: reason)
        } catch {
            throw .runtime(error)
        }
    }

    /// One tool list from every provider of a session, in provider order (stable by id); a later provider's tool
    /// replaces an earlier one of the same name.
    static func merged(_ providers: [ExternalToolProviderID: [ExternalTool]]) -> [ExternalTool] {
        var byName: [String: ExternalTool] = [:]
        var order: [String] = []
        for key in providers.keys.sorted(by: { $0.description < $1.description }) {
            for tool in providers[key] ?? [] {
                if byName[tool.definition.name] == nil { order.append(tool.definition.name) }
                byName[tool.definition.name] = tool
            }
        }
        return order.compactMap { byName[$0] }
    }

    static func isValidToolName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }
    }
}

import Foundation
public import MeerkatCore
import MeerkatRuntime

extension SessionService {
    /// Compacts a session's context now (AGENT.md §1.8): a summary call, then the model sees the system rows, the
    /// summary and the recent exchanges; the full history stays readable. The summary row and the new context are
    /// saved in one commit before any later turn can start, so a crash leaves either the old or the new context.
    /// Refused while a turn is running.
    public func compact(_ id: SessionID) async throws(ServiceError) -> CompactionOutcome {
        let agent = try await agent(id)
        if let runtime = try? await registry.runtime(id), await runtime.state == .running {
            throw .invalidRequest(field: "session", message: "a turn is running; compact the session when it is idle")
        }
        let store = sessions
        do {
            return try await agent.compact { session in try await store.save(session) }
        } catch {
            throw .agent(error)
        }
    }
}

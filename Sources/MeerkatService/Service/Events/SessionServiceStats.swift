import Foundation
import MeerkatCore
import Synchronization

/// Process-wide counters of a session service, updated from the agent events its event pumps see; surfaces
/// export them (REST `/metrics`).
public final class SessionServiceStats: Sendable {
    /// A point-in-time copy of the counters.
    public struct Snapshot: Sendable, Hashable {
        public var runsStarted = 0
        public var runsCompleted = 0
        public var runsFailed = 0
        public var inputTokens = 0
        public var outputTokens = 0

        /// All zero.
        public init() {}
    }

    private let counters = Mutex(Snapshot())

    public init() {}

    /// The counters now.
    public var snapshot: Snapshot { counters.withLock { $0 } }

    func record(_ event: AgentEvent) {
        switch event {
        case .runStarted: counters.withLock { $0.runsStarted += 1 }
        case .runCompleted: counters.withLock { $0.runsCompleted += 1 }
        case .runFailed: counters.withLock { $0.runsFailed += 1 }
        case .turnCompleted(_, let usage?):
            counters.withLock {
                $0.inputTokens += usage.inputTokens
                $0.outputTokens += usage.outputTokens
            }
        default: break
        }
    }
}

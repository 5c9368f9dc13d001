import Foundation
import MeerkatCore

/// The checkpoint a run's executor calls between LLM calls: it delivers live steers admitted meanwhile
/// (RUNTIME.md §7.6) and honours cancel-after-boundary.
struct LiveCheckpoint: RunCheckpoint {
    let runtime: SessionRuntime
    let run: RunID

    func atBoundary(_ info: CheckpointInfo) async -> [SteerContext] {
        await runtime.reachBoundary(run: run, info: info)
    }
}

extension LiveCheckpoint {
    func yieldPending() async -> Bool {
        await runtime.yieldRequested(run: run)
    }

    func sessionProgress(_ session: Session, runStartIndex: Int) async {
        await runtime.saveProgress(run: run, session: session, runStartIndex: runStartIndex)
    }
}

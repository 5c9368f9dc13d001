/// When an admitted input is applied (RUNTIME.md §4.1).
public enum ApplyMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stage for the start of the next run.
    case stageRunStart = "stage_run_start"
    /// Stage for the next boundary (checkpoint) of a run.
    case stageRunBoundary = "stage_run_boundary"
    /// Apply immediately (vocabulary only; no policy row produces it).
    case injectNow = "inject_now"
    /// Never applied (operations).
    case ignore
}

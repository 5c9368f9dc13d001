/// How an admitted input is queued (RUNTIME.md §4.1).
public enum QueueMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not queued.
    case none
    /// First in, first out (the default).
    case fifo
    /// May coalesce an older queued input of the same scope (peer progress).
    case coalesce
    /// May supersede an older input (reserved; no policy row produces it).
    case supersede
    /// Front of the queue (operations).
    case priority
}

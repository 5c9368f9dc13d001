/// Durability requirement of an input (RUNTIME.md §2.1).
public enum InputDurability: String, Sendable, Hashable, Codable, CaseIterable {
    /// Must be persisted before the admission is acknowledged.
    case durable
    /// May be lost on crash; discarded by recovery.
    case ephemeral
    /// Reconstructible from other facts; retained by recovery. Only flow/system origins may submit it.
    case derived
}

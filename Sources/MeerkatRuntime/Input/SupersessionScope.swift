/// The scope in which a newer input may coalesce or supersede an older one (RUNTIME.md §6).
///
/// Two inputs match only if both carry a supersession key and runtime, kind and key are all equal; kinds
/// never cross. At this commit only `peer_response_progress` acts on a match (coalescing).
public struct SupersessionScope: Sendable, Hashable, Codable {
    /// The runtime the inputs belong to.
    public var runtimeID: LogicalRuntimeID
    /// The inputs' kind.
    public var kind: InputKind
    /// The shared supersession key.
    public var key: SupersessionKey

    private enum CodingKeys: String, CodingKey { case runtimeID = "runtime_id", kind, key }

    public init(runtimeID: LogicalRuntimeID, kind: InputKind, key: SupersessionKey) {
        self.runtimeID = runtimeID
        self.kind = kind
        self.key = key
    }

    /// True when an admission plan for `kind` coalesces a queued match (only progress responses do).
    public static func coalescesOnAdmission(_ kind: InputKind) -> Bool {
        kind == .peerResponseProgress
    }
}

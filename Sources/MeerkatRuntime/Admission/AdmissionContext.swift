/// The runtime facts the policy table reads (RUNTIME.md §4.2 notation R, B, W, S).
public struct AdmissionContext: Sendable, Hashable, Codable {
    /// R: the runtime phase is `running`.
    public var running: Bool
    /// B: an active-turn boundary is available (live attached run).
    public var boundaryAvailable: Bool
    /// W: the accept is `accept_input_without_wake`.
    public var withoutWake: Bool
    /// S: the input is a `peer_request` whose intent is a silent intent (ignored for other kinds).
    public var silentIntent: Bool

    private enum CodingKeys: String, CodingKey {
        case running, boundaryAvailable = "boundary_available", withoutWake = "without_wake"
        case silentIntent = "silent_intent"
    }

    public init(
        running: Bool = false, boundaryAvailable: Bool = false, withoutWake: Bool = false, silentIntent: Bool = false
    ) {
        self.running = running
        self.boundaryAvailable = boundaryAvailable
        self.withoutWake = withoutWake
        self.silentIntent = silentIntent
    }

    /// An idle runtime, ordinary accept.
    public static let idle = AdmissionContext()

    /// "Idle wake" of the table: ¬W ∧ ¬R ∧ ¬B.
    public var idleWake: Bool { !withoutWake && !running && !boundaryAvailable }

    /// R ∨ B: a turn is live.
    public var turnLive: Bool { running || boundaryAvailable }
}

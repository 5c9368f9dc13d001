public import MeerkatCore

/// What a run asks for: continue a session, or create one (at most once per idempotency key).
public struct RunSessionRequest: Sendable {
    /// The session to continue (`last`, an id or a unique prefix); nil creates a session.
    public var resume: String?
    /// A word given after a bare "resume" that may name a session or start the prompt (see
    /// `SessionService.resumeTarget`); only read when `resume` is set.
    public var resumeCandidate: String?
    /// Applied to a resumed session's intent.
    public var patch: SessionIntentPatch
    /// What a new session is created with.
    public var create: CreateSessionRequest
    /// A retried run with the same key finds the session its first attempt created.
    public var idempotencyKey: String?

    public init(
        resume: String? = nil, resumeCandidate: String? = nil, patch: SessionIntentPatch = SessionIntentPatch(),
        create: CreateSessionRequest, idempotencyKey: String? = nil
    ) {
        self.resume = resume
        self.resumeCandidate = resumeCandidate
        self.patch = patch
        self.create = create
        self.idempotencyKey = idempotencyKey
    }
}

/// The session a run goes to.
public struct RunSession: Sendable, Hashable {
    public var id: SessionID
    /// Whether this request created it (a retry that found its first attempt's session did not).
    public var created: Bool
    /// The resume candidate when it did not name a session: the start of the prompt.
    public var promptPrefix: String?
}

extension SessionService {
    /// Resumes the named session (applying the intent patch) or creates one. With an idempotency key, creation is
    /// keyed, so a retried run reaches the same session.
    public func openRunSession(_ request: RunSessionRequest) async throws(ServiceError) -> RunSession {
        if var resume = request.resume {
            var prefix: String?
            if let word = request.resumeCandidate {
                if let named = try await resumeTarget(word) {
                    resume = named.description
                } else {
                    prefix = word
                }
            }
            let id = try await self.resume(SessionSelector(resume))
            var patch = request.patch
            if let model = patch.model, patch.baseURL == nil {
                // Another catalog model is a validated LLM identity reconfiguration (RUNTIME.md §12): checked
                // against the catalog, persisted, and the routing baseline follows it.
                _ = try await reconfigure(id, SessionLLMReconfigureRequest(model: model))
                patch.model = nil
            }
            if !patch.isEmpty {
                try await updateIntent(id) { intent in patch.apply(to: &intent) }
            }
            return RunSession(id: id, created: false, promptPrefix: prefix)
        }
        var create = request.create
        var existing: SessionID?
        if let key = request.idempotencyKey {
            create.creationKey = Self.runCreationKey(key)
            existing = try await session(creationKey: Self.runCreationKey(key))
        }
        let id = try await createSession(create)
        return RunSession(id: id, created: existing == nil, promptPrefix: nil)
    }

    /// The idempotency key of line `line` (1-based) of a run fed line by line under `key`: each line is its own
    /// input, and a retried run never runs a line twice.
    public static func lineIdempotencyKey(_ key: String, line: Int) -> String { "\(key):line:\(line)" }

    /// The creation key of the session a run keyed `key` creates.
    static func runCreationKey(_ key: String) -> String { "run:\(key)" }
}

public import MeerkatCore
public import MeerkatRuntime

extension SessionService {
    /// Every stored input row of a session, in admission order (terminal ones included).
    public func inputStates(_ id: SessionID) async throws(ServiceError) -> [StoredInputState] {
        let rows: [StoredInputState]
        do {
            rows = try await registry.store.loadInputs(.session(id))
        } catch {
            throw .runtime(SessionRuntime.driverError(error))
        }
        return rows.sorted { ($0.seed.admissionSequence ?? 0) < ($1.seed.admissionSequence ?? 0) }
    }
}

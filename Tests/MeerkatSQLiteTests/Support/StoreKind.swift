import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import Testing

/// The store implementations the conformance suites run against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    /// Fresh, empty stores of this kind.
    func make() throws -> StoreHarness {
        switch self {
        case .memory:
            return StoreHarness(
                directory: nil, realm: nil, runtime: InMemoryRuntimeStore(), sessions: InMemorySessionStore())
        case .sqlite:
            let directory = try TemporaryDirectory()
            let realm = try Realm.open(stateRoot: directory.url, realmID: try RealmID("test"), backend: .sqlite)
            return StoreHarness(
                directory: directory, realm: realm, runtime: realm.runtimeStore, sessions: realm.sessionStore)
        }
    }
}

/// Stores under test plus whatever keeps their files alive.
struct StoreHarness: Sendable {
    let directory: TemporaryDirectory?
    let realm: Realm?
    let runtime: any RuntimeStore
    let sessions: any SessionStore

    /// New store instances over the same durable state (a new database connection pool for SQLite, as after a
    /// restart). The in-memory stores have no durable state beyond themselves, so they are returned as they are.
    func reopened() throws -> StoreHarness {
        guard let directory, let realm else { return self }
        let reopened = try Realm.open(stateRoot: directory.url, realmID: realm.id)
        return StoreHarness(
            directory: directory, realm: reopened, runtime: reopened.runtimeStore, sessions: reopened.sessionStore)
    }
}

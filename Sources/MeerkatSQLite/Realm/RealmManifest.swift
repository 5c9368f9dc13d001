public import Foundation
public import MeerkatCore

/// `realm_manifest.json`: pins the realm's backend and records the schema version its database was migrated to.
public struct RealmManifest: Sendable, Hashable, Codable {
    /// The realm this folder belongs to.
    public var realmID: RealmID
    /// The pinned backend.
    public var backend: RealmBackend
    /// The schema version of `realm.sqlite3` (the number of applied migrations; 0 before the first migration).
    public var schemaVersion: Int
    /// When the realm was created.
    public var createdAt: Date

    private enum CodingKeys: String, CodingKey {
        case realmID = "realm_id", backend, schemaVersion = "schema_version", createdAt = "created_at"
    }

    /// A manifest value.
    public init(realmID: RealmID, backend: RealmBackend, schemaVersion: Int, createdAt: Date) {
        self.realmID = realmID
        self.backend = backend
        self.schemaVersion = schemaVersion
        self.createdAt = createdAt
    }

    /// Decodes a manifest, reporting an unknown backend as such rather than as a generic decoding failure.
    static func decode(_ data: Data, path: String) throws(RealmError) -> RealmManifest {
        let raw: JSONValue
        do {
            raw = try WireJSON.decoder().decode(JSONValue.self, from: data)
        } catch {
            throw .unreadableManifest(path: path, detail: "not JSON: \(error)")
        }
        if let backend = raw.objectValue?["backend"]?.stringValue, RealmBackend(rawValue: backend) == nil {
            throw .unknownBackend(path: path, backend: backend)
        }
        do {
            return try WireJSON.decoder().decode(RealmManifest.self, from: data)
        } catch {
            throw .unreadableManifest(path: path, detail: "\(error)")
        }
    }

    /// Pretty, key-sorted JSON (the file is meant to be read by people too).
    func encoded() -> Data {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        // Encoding plain strings and integers cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }
}

public import Foundation
public import MeerkatCore
import MeerkatSQLite

/// Where a command's project, realm and config files are, worked out without creating or opening anything: the
/// project root (nearest folder holding `.skat/` or `.git`, below the discovery ceilings), the state root, the realm
/// id and the config files of every layer. Read-only commands use it directly; `ServiceEnvironment.open` builds on it.
public struct ProjectContext: Sendable {
    public let options: ServiceEnvironmentOptions
    /// The project root (see `RealmLocation`).
    public let projectRoot: URL
    /// The folder holding realms.
    public let stateRoot: URL
    /// The realm's id (the SQLite layer's type stays inside the service).
    let realmKey: RealmID
    /// The realm's id.
    public var realmID: String { realmKey.rawValue }

    /// Resolves the locations; a malformed `--realm` id is an error naming the rule.
    public init(_ options: ServiceEnvironmentOptions) throws(ServiceError) {
        self.options = options
        let ceilings = RealmLocation.ceilings(environment: options.environment)
        projectRoot = RealmLocation.projectRoot(from: options.currentDirectory, ceilings: ceilings)
        stateRoot = options.stateRoot ?? RealmLocation.stateRoot(projectRoot: projectRoot)
        do {
            realmKey =
                try options.realm.map { text throws(RealmError) in try RealmID(text) }
                ?? RealmLocation.realmID(projectRoot: projectRoot)
        } catch {
            throw .invalidRequest(field: "realm", message: error.description)
        }
    }

    /// `<state root>/<realm id>/`.
    public var realmDirectory: URL { stateRoot.appendingPathComponent(realmKey.rawValue, isDirectory: true) }

    /// Whether the realm exists on disk (its manifest was written). The memory backend never has one.
    public var realmExists: Bool {
        options.backend != .memory
            && FileManager.default.fileExists(
                atPath: realmDirectory.appendingPathComponent(Realm.manifestFileName).path)
    }

    /// `$HOME/.skat/config.toml` (or the file the options name), nil when the user layer is off.
    public var userConfigFile: URL? { options.userConfig.file(environment: options.environment) }

    /// `<project root>/.skat/config.toml`.
    public var projectConfigFile: URL {
        projectRoot.appendingPathComponent(RealmLocation.projectMarker, isDirectory: true)
            .appendingPathComponent("config.toml")
    }

    /// `<realm>/config.toml`; nil for the memory backend, which keeps nothing on disk.
    public var realmConfigFile: URL? {
        options.backend == .memory ? nil : realmDirectory.appendingPathComponent("config.toml")
    }

    /// Reads every config layer (nothing is created) with `overrides` on top.
    public func configLayers(overrides: [String: JSONValue]? = nil) throws(ConfigError) -> ConfigLayers {
        try ConfigLayers.load(
            userFile: userConfigFile, projectFile: projectConfigFile, realmFile: realmConfigFile,
            overrides: overrides ?? options.overrides)
    }

    /// The effective configuration (nothing is created).
    public func config() throws(ServiceError) -> MeerkatConfig {
        do {
            return try configLayers().resolve()
        } catch {
            throw .config(error)
        }
    }
}

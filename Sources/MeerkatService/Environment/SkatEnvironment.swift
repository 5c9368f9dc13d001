import Foundation
import Logging
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import MeerkatTools

/// Where and how to open a realm, and which config layers apply.
public struct SkatEnvironmentOptions: Sendable {
    /// Overrides the state root (default: `<project>/.skat/realms`).
    public var stateRoot: URL?
    /// Realm id (default: derived from the current directory, `ws-…`).
    public var realm: String?
    /// `sqlite` (default) or `memory`.
    public var backend: RealmBackend?
    public var currentDirectory: URL
    /// The user config file (default `~/.skat/config.toml`); nil disables the user layer.
    public var userConfigFile: URL?
    public var environment: [String: String]
    /// Per-request config overrides (highest layer).
    public var overrides: [String: JSONValue]
    /// Where the service and the model calls log (the process's logging system by default).
    public var logger = Logger(label: "meerkat")

    public init(
        stateRoot: URL? = nil, realm: String? = nil, backend: RealmBackend? = nil,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        userConfigFile: URL? = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(
            ".skat/config.toml"),
        environment: [String: String] = ProcessInfo.processInfo.environment, overrides: [String: JSONValue] = [:]
    ) {
        self.stateRoot = stateRoot
        self.realm = realm
        self.backend = backend
        self.currentDirectory = currentDirectory
        self.userConfigFile = userConfigFile
        self.environment = environment
        self.overrides = overrides
    }
}

/// An opened realm with its effective configuration and session service.
public final class SkatEnvironment: Sendable {
    public let realm: Realm
    public let config: SkatConfig
    public let service: SessionService
    public let projectRoot: URL
    public let options: SkatEnvironmentOptions
    /// The MCP servers' tools, when `.skat/mcp.toml` or `~/.skat/mcp.toml` configure any.
    public let mcp: MCPToolFeed?

    private init(
        realm: Realm, config: SkatConfig, service: SessionService, projectRoot: URL, options: SkatEnvironmentOptions,
        mcp: MCPToolFeed?
    ) {
        self.mcp = mcp
        self.realm = realm
        self.config = config
        self.service = service
        self.projectRoot = projectRoot
        self.options = options
    }

    /// Opens the realm, layers the config and builds the service (with the provider-backed agent factory unless
    /// `factory` is given).
    public static func open(_ options: SkatEnvironmentOptions, factory: (any AgentFactory)? = nil)
        async throws(ServiceError) -> SkatEnvironment
    {
        let projectRoot = RealmLocation.projectRoot(from: options.currentDirectory)
        let realm: Realm
        let durability = try durability(options)
        do {
            let stateRoot =
                options.stateRoot ?? RealmLocation.defaultStateRoot(currentDirectory: options.currentDirectory)
            let id =
                try options.realm.map { text throws(RealmError) in try RealmID(text) }
                ?? RealmLocation.defaultRealmID(currentDirectory: options.currentDirectory)
            realm = try Realm.open(
                stateRoot: stateRoot, realmID: id, backend: options.backend, durability: durability)
        } catch {
            throw .store(error.description)
        }
        let config: SkatConfig
        do {
            config = try ConfigLayers.load(
                userFile: options.userConfigFile, realmFile: realm.configURL, overrides: options.overrides
            ).resolve()
        } catch {
            throw .config(error)
        }
        let agents: any AgentFactory
        var mcp: MCPToolFeed?
        if let factory {
            agents = factory
        } else {
            let home = options.environment["HOME"] ?? NSHomeDirectory()
            let servers: [MCPServerConfig]
            do {
                servers = try MCPConfigFile(
                    projectRoot: projectRoot.path, homeDirectory: home, environment: options.environment
                )
                .resolvedServers()
            } catch {
                throw .invalidRequest(field: "mcp", message: error.description)
            }
            if !servers.isEmpty { mcp = MCPToolFeed(router: MCPRouter(servers: servers)) }
            agents = try ProviderAgentFactory(
                config: config, projectRoot: projectRoot,
                taskDirectory: realm.directory.appendingPathComponent("tasks"),
                environment: options.environment, mcp: mcp, logger: options.logger)
        }
        let prompts = SystemPromptAssembler(projectRoot: projectRoot)
        let service = SessionService(
            store: realm.runtimeStore, sessions: realm.sessionStore, factory: agents, config: config, prompts: prompts,
            leasing: realm.runtimeStore as? any SessionLeasing, logger: options.logger)
        return SkatEnvironment(
            realm: realm, config: config, service: service, projectRoot: projectRoot, options: options, mcp: mcp)
    }

    /// The SQLite durability level from `SKAT_DURABILITY` (`process`, the default, or `power`).
    private static func durability(_ options: SkatEnvironmentOptions) throws(ServiceError) -> RealmDurability {
        guard let text = options.environment["SKAT_DURABILITY"], !text.isEmpty else { return .default }
        guard let level = RealmDurability(rawValue: text.lowercased()) else {
            throw .invalidRequest(
                field: "SKAT_DURABILITY", message: "'\(text)' is not a durability level (process or power)")
        }
        return level
    }

    /// Stops every live session and closes the realm.
    public func close() async {
        await service.shutdown()
        await mcp?.shutdown()
        try? realm.close()
    }

    /// The realm's config store (for `skat config`).
    public var configStore: RealmConfigStore { RealmConfigStore(directory: realm.directory) }
}

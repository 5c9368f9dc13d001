public import Foundation
public import Logging
public import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import MeerkatTools

/// Where and how to open a realm, and which config layers apply.
public struct ServiceEnvironmentOptions: Sendable {
    /// Overrides the state root (default: `<project>/.skat/realms`).
    public var stateRoot: URL?
    /// Realm id (default: derived from the project root, `ws-…`).
    public var realm: String?
    /// `sqlite` (default) or `memory` (nothing on disk).
    public var backend: RealmBackend?
    public var currentDirectory: URL
    /// Which user config file to read (default `$HOME/.skat/config.toml`).
    public var userConfig: UserConfigFile
    /// The environment: credentials, `HOME`, `SKAT_CEILING_DIRECTORIES`.
    public var environment: [String: String]
    /// Per-request config overrides (highest layer).
    public var overrides: [String: JSONValue]
    /// Where the service and the model calls log (the process's logging system by default).
    public var logger = Logger(label: "meerkat")
    /// Limits of the session service (queue limit, event log retention).
    public var service = SessionServiceOptions()

    public init(
        stateRoot: URL? = nil, realm: String? = nil, backend: RealmBackend? = nil,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        userConfig: UserConfigFile = .home,
        environment: [String: String] = ProcessInfo.processInfo.environment, overrides: [String: JSONValue] = [:]
    ) {
        self.stateRoot = stateRoot
        self.realm = realm
        self.backend = backend
        self.currentDirectory = currentDirectory
        self.userConfig = userConfig
        self.environment = environment
        self.overrides = overrides
    }
}

/// Which file is the user config layer.
public enum UserConfigFile: Sendable, Hashable {
    /// `$HOME/.skat/config.toml`, `HOME` taken from the options' environment.
    case home
    /// A given file.
    case file(URL)
    /// No user layer.
    case none

    /// The file for `environment`, nil for `.none` or when `HOME` is unknown.
    public func file(environment: [String: String]) -> URL? {
        switch self {
        case .home:
            guard let home = environment["HOME"], !home.isEmpty else { return nil }
            return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".skat/config.toml")
        case .file(let url): return url
        case .none: return nil
        }
    }
}

/// An opened realm with its effective configuration and session service.
public final class ServiceEnvironment: Sendable {
    /// The open realm (its storage types stay inside the service; surfaces use `realmDirectory` and `realmID`).
    let realm: Realm
    public let config: MeerkatConfig
    public let service: SessionService
    public let projectRoot: URL
    public let options: ServiceEnvironmentOptions
    /// The MCP servers' tools, when `.skat/mcp.toml` or `~/.skat/mcp.toml` configure any.
    public let mcp: MCPToolFeed?
    /// The resolved locations (project root, realm, config files).
    public let context: ProjectContext
    /// Folders this open created (the realm folder and any missing parents, innermost first), for `discardIfUnused`.
    let createdFolders: [URL]

    private init(
        realm: Realm, config: MeerkatConfig, service: SessionService, projectRoot: URL,
        options: ServiceEnvironmentOptions,
        mcp: MCPToolFeed?, context: ProjectContext, createdFolders: [URL]
    ) {
        self.mcp = mcp
        self.context = context
        self.createdFolders = createdFolders
        self.realm = realm
        self.config = config
        self.service = service
        self.projectRoot = projectRoot
        self.options = options
    }

    /// Opens the realm, layers the config and builds the service (with the provider-backed agent factory unless
    /// `factory` is given). The config is read and checked before the realm is opened, so a bad config file creates
    /// nothing; the memory backend creates nothing at all.
    public static func open(_ options: ServiceEnvironmentOptions, factory: (any AgentFactory)? = nil)
        async throws(ServiceError) -> ServiceEnvironment
    {
        let context = try ProjectContext(options)
        let projectRoot = context.projectRoot
        let config = try context.config()
        let realm: Realm
        let durability = try durability(options)
        var createdFolders: [URL] = []
        if options.backend == .memory {
            realm = Realm.inMemory(realmID: context.realmKey, directory: context.realmDirectory)
        } else {
            var folder = context.realmDirectory
            while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
                createdFolders.append(folder)
                folder = folder.deletingLastPathComponent()
            }
            do {
                realm = try Realm.open(
                    stateRoot: context.stateRoot, realmID: context.realmKey, backend: options.backend,
                    durability: durability)
            } catch {
                throw .store(error.description)
            }
        }
        let agents: any AgentFactory
        let imageRouting = ImageRoutingSlot()
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
            var providers = try ProviderAgentFactory(
                config: config, projectRoot: projectRoot,
                taskDirectory: options.backend == .memory ? nil : realm.directory.appendingPathComponent("tasks"),
                environment: options.environment, mcp: mcp, logger: options.logger)
            // `generate_image` drives the session's §14 image-operation protocol; the service that implements it
            // is built below, so the tool reaches it through a slot connected once it exists.
            providers.imageGeneration = ImageGenerationWiring(
                routing: imageRouting,
                store: options.backend == .memory
                    ? InMemoryImageStore() as any GeneratedImageStore : BlobImageStore(blobs: realm.blobs))
            agents = providers
        }
        let prompts = SystemPromptAssembler(projectRoot: projectRoot)
        let service = SessionService(
            store: realm.runtimeStore, sessions: realm.sessionStore, factory: agents, config: config, prompts: prompts,
            leasing: realm.runtimeStore as? any SessionLeasing, logger: options.logger, eventLog: realm.eventLog,
            options: options.service, imageBlobs: realm.blobs)
        imageRouting.connect(service)
        return ServiceEnvironment(
            realm: realm, config: config, service: service, projectRoot: projectRoot, options: options, mcp: mcp,
            context: context, createdFolders: createdFolders)
    }

    /// The SQLite durability level from `SKAT_DURABILITY` (`process`, the default, or `power`).
    private static func durability(_ options: ServiceEnvironmentOptions) throws(ServiceError) -> RealmDurability {
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

    /// Closes the environment and, when this open created the realm and it still holds no session, removes it again
    /// (with the folders created for it), so a first run that failed before its first model call leaves nothing on
    /// disk. Returns whether the realm was removed.
    @discardableResult
    public func discardIfUnused() async -> Bool {
        let empty = (try? await service.listSessions(SessionQuery(includeArchived: true, limit: 1)).isEmpty) ?? false
        await close()
        guard empty, let realmFolder = createdFolders.first else { return false }
        do {
            try FileManager.default.removeItem(at: realmFolder)
        } catch {
            return false
        }
        // Parents go only while empty (rmdir refuses a folder something else wrote into meanwhile).
        for parent in createdFolders.dropFirst() where rmdir(parent.path) != 0 { break }
        return true
    }

    /// Connects every configured MCP server and waits until each is connected or failed; returns the notices
    /// (failures, tool changes) for a person. Without MCP servers it returns at once.
    public func connectMCPServers() async -> [String] {
        guard let mcp else { return [] }
        await mcp.start()
        await mcp.router.waitUntilSettled()
        return await mcp.router.notices()
    }

    /// The realm's folder (config, logs, blobs; the database for the SQLite backend).
    public var realmDirectory: URL { realm.directory }

    /// The realm's id.
    public var realmID: String { realm.id.rawValue }

    /// The local process running `session` (it holds the session's lease on this host), nil when none does. A
    /// SIGINT to it makes it interrupt the turn cleanly.
    public func runningProcess(session: SessionID) async -> Int32? {
        guard let leasing = realm.runtimeStore as? any SessionLeasing,
            let holder = try? await leasing.holder(session: session)
        else { return nil }
        return LeaseOwner.localProcess(holder)
    }

    /// The realm's config store (for `skat config`).
    public var configStore: RealmConfigStore { RealmConfigStore(directory: realm.directory) }
}

public import Foundation
public import Logging
public import MeerkatCore
public import MeerkatProviders
import MeerkatTools

/// Builds agents on the real providers: the model comes from the session intent, then `[agent].model`, then the
/// configured or catalog default of the requested provider, then the first provider with a key (Anthropic, OpenAI,
/// Gemini). The provider is decided by exact catalog ownership; unknown models and missing keys are typed errors.
public struct ProviderAgentFactory: AgentFactory {
    public let catalog: ModelCatalog
    let environment: [String: String]
    let projectRoot: URL
    let taskDirectory: URL?
    let transport: HTTPTransport
    /// MCP tools, when servers are configured.
    public let mcp: MCPToolFeed?
    /// Model calls of the agents built here are logged to it.
    let logger: Logger?
    /// Clients of routed turns, reused per (provider, model, auth binding).
    let clients: LLMClientCache
    /// When set, `generate_image` is offered in the presets that include it (`workspace`, `full`).
    public var imageGeneration: ImageGenerationWiring?

    public init(
        config: MeerkatConfig, projectRoot: URL, taskDirectory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, transport: HTTPTransport = .shared,
        mcp: MCPToolFeed? = nil, logger: Logger? = nil
    ) throws(ServiceError) {
        var catalog = ModelCatalog.builtIn
        let selfHosted = config.selfHosted.models.compactMap { alias, model -> SelfHostedModel? in
            guard let server = config.selfHosted.servers[model.server] else { return nil }
            return SelfHostedModel(
                alias: alias, remoteModel: model.remoteModel, baseURL: server.baseURL,
                apiStyle: server.apiStyle == "responses" ? .responses : .chatCompletions,
                apiKeyVariable: server.apiKeyEnv,
                contextWindow: model.contextWindow ?? 32_768, maxOutputTokens: model.maxOutputTokens ?? 8192,
                supportsTemperature: model.supportsTemperature, supportsReasoning: model.supportsReasoning,
                vision: model.vision, imageToolResults: model.imageToolResults,
                callTimeout: .seconds(model.callTimeoutSecs ?? 600),
                structuredOutput: SelfHostedModel.StructuredOutputMode(rawValue: model.structuredOutput) ?? .jsonSchema)
        }
        do {
            if !selfHosted.isEmpty { catalog = try catalog.adding(selfHosted: selfHosted) }
        } catch {
            throw .invalidRequest(field: "self_hosted.models", message: "\(error)")
        }
        self.catalog = catalog
        self.environment = environment
        self.projectRoot = projectRoot
        self.taskDirectory = taskDirectory
        self.transport = transport
        self.mcp = mcp
        self.logger = logger
        self.clients = LLMClientCache()
    }

    /// A copy reading credentials from another environment (for an auth binding).
    init(copying other: ProviderAgentFactory, environment: [String: String]) {
        self.catalog = other.catalog
        self.environment = environment
        self.projectRoot = other.projectRoot
        self.taskDirectory = other.taskDirectory
        self.transport = other.transport
        self.mcp = other.mcp
        self.logger = other.logger
        self.clients = other.clients
    }

    public var modelResolver: (any SessionModelResolving)? { self }

    public func resolvedModel(intent: SessionIntent, config: MeerkatConfig) -> String? {
        try? resolveModel(intent: intent, config: config)
    }

    /// The model a session with this intent would use under `config`.
    public func resolveModel(intent: SessionIntent, config: MeerkatConfig) throws(ServiceError) -> String {
        if let model = intent.model ?? config.agent.model { return model }
        let credentials = CredentialResolver(environment: environment)
        let provider: ProviderKind?
        if let named = intent.provider ?? config.agent.provider {
            provider = named
        } else {
            provider = [ProviderKind.anthropic, .openai, .gemini].first { credentials.apiKey(for: $0) != nil }
        }
        switch provider {
        case .anthropic?:
            return config.models.anthropic ?? ModelCatalog.defaultModel(for: .anthropic) ?? "claude-opus-5"
        case .openai?: return config.models.openai ?? ModelCatalog.defaultModel(for: .openai) ?? "gpt-5.6-sol"
        case .gemini?: return config.models.gemini ?? ModelCatalog.defaultModel(for: .gemini) ?? "gemini-3.5-flash"
        case .selfHosted?:
            guard let model = config.selfHosted.defaultModel ?? config.selfHosted.models.keys.sorted().first else {
                throw .invalidRequest(field: "self_hosted.default_model", message: "no self-hosted model is configured")
            }
            return model
        case nil:
            throw .missingCredentials(
                provider: "any provider",
                variables: [
                    "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY (or pass -m with a self-hosted model)",
                ])
        }
    }

    /// The catalog row of `model`; an unknown model is an error listing the nearest catalog names.
    public func entry(for model: String) throws(ServiceError) -> CatalogEntry {
        do {
            return try catalog.entry(for: model)
        } catch {
            throw .unknownModel(model, nearest: NearestNames.nearest(to: model, in: catalog.entries.map(\.id)))
        }
    }

    /// The entry a session with this intent uses: an ad-hoc server's (`--base-url`) or the catalog's.
    func entry(model: String, intent: SessionIntent, config: MeerkatConfig) throws(ServiceError) -> CatalogEntry {
        if servesAdHoc(intent), let baseURL = intent.baseURL {
            return adHocEntry(model: model, baseURL: baseURL, config: config)
        }
        return try entry(for: model)
    }

    /// The reserved `self_hosted_server_id` of a session's ad-hoc server (`base_url`).
    public static let adHocServerID = "ad_hoc"

    /// Whether the intent's model is served by its ad-hoc server: a `base_url` and no provider (as created), or the
    /// self-hosted provider with a model that is not a configured self-hosted model (after a reconfiguration back to
    /// the ad-hoc server). A session reconfigured to a catalog provider keeps its `base_url` for the way back.
    func servesAdHoc(_ intent: SessionIntent) -> Bool {
        guard intent.baseURL != nil else { return false }
        guard let provider = intent.provider else { return true }
        guard provider == .selfHosted else { return false }
        guard let model = intent.model else { return true }
        return (try? catalog.entry(for: model))?.profile.provider != .selfHosted
    }

    /// Checks, without building or storing anything, that a session with this intent can be made: the model is
    /// known, belongs to the named provider and has credentials. Lets a caller fail before it creates a realm.
    public func check(intent: SessionIntent, config: MeerkatConfig) throws(ServiceError) {
        try intent.validate()
        let model = try resolveModel(intent: intent, config: config)
        let entry = try entry(model: model, intent: intent, config: config)
        try checkProvider(intent: intent, model: model, entry: entry)
        _ = try client(for: entry)
    }

    private func checkProvider(intent: SessionIntent, model: String, entry: CatalogEntry) throws(ServiceError) {
        if let named = intent.provider, named != entry.profile.provider {
            throw .invalidRequest(
                field: "provider", message: "model '\(model)' belongs to \(entry.profile.provider), not \(named)")
        }
    }

    func client(for entry: CatalogEntry) throws(ServiceError) -> any LLMClient {
        do {
            return try LLMClientFactory(
                catalog: catalog, environment: environment, transport: transport, logger: logger
            ).makeClient(for: entry)
        } catch {
            if case .missingCredentials(let provider, let checked) = error {
                throw .missingCredentials(provider: provider.description, variables: checked)
            }
            throw .unknownModel(entry.id, nearest: NearestNames.nearest(to: entry.id, in: catalog.entries.map(\.id)))
        }
    }

    public func makeAgent(for session: Session, intent: SessionIntent, config: MeerkatConfig) async throws(ServiceError)
        -> Agent
    {
        let model = try resolveModel(intent: intent, config: config)
        let entry = try entry(model: model, intent: intent, config: config)
        try checkProvider(intent: intent, model: model, entry: entry)
        let client = try client(for: entry)
        var agentConfig = try intent.agentConfig(
            model: model, maxOutputTokens: entry.profile.maxOutputTokens, config: config)
        if !entry.profile.supportsTemperature { agentConfig.temperature = nil }
        agentConfig.compaction = CompactionPolicy(
            contextWindow: entry.profile.contextWindow, autoCompactThreshold: config.compaction.autoCompactThreshold,
            maxRequestBytes: config.compaction.maxRequestBytes ?? entry.profile.provider.maxRequestBytes,
            recentTurnBudget: config.compaction.recentTurnBudget, maxSummaryTokens: config.compaction.maxSummaryTokens,
            minTurnsBetweenCompactions: config.compaction.minTurnsBetweenCompactions)
        logger?.debug(
            "agent built",
            metadata: [
                "session": .string(session.id.description), "model": .string(model),
                "provider": .string(entry.profile.provider.rawValue),
            ])
        let build = try dispatcherBuilder(intent: intent, config: config, entry: entry)
        guard let mcp, (intent.tools ?? config.tools.preset) != ToolPreset.none else {
            return Agent(session: session, client: client, tools: build([]), config: agentConfig)
        }
        await mcp.start()
        let agent = Agent(session: session, client: client, tools: build(await mcp.currentTools()), config: agentConfig)
        await mcp.register(agent, build: build)
        return agent
    }

    /// The entry of a model served by an ad-hoc server (`--base-url`): Chat Completions, the key from
    /// `SKAT_SELF_HOSTED_API_KEY` when set, capabilities from a `[self_hosted.models.<model>]` row of the same name
    /// when there is one (its server is replaced), else the self-hosted defaults.
    func adHocEntry(model: String, baseURL: String, config: MeerkatConfig) -> CatalogEntry {
        let keyVariable = environment["SKAT_SELF_HOSTED_API_KEY"].map { _ in "SKAT_SELF_HOSTED_API_KEY" }
        var server = SelfHostedModel(alias: model, baseURL: baseURL, apiKeyVariable: keyVariable)
        if let configured = config.selfHosted.models[model] {
            server.remoteModel = configured.remoteModel
            server.contextWindow = configured.contextWindow ?? server.contextWindow
            server.maxOutputTokens = configured.maxOutputTokens ?? server.maxOutputTokens
            server.supportsTemperature = configured.supportsTemperature
            server.supportsReasoning = configured.supportsReasoning
            server.vision = configured.vision
            server.imageToolResults = configured.imageToolResults
            if let seconds = configured.callTimeoutSecs { server.callTimeout = .seconds(seconds) }
            server.structuredOutput =
                SelfHostedModel.StructuredOutputMode(rawValue: configured.structuredOutput) ?? .jsonSchema
        }
        return server.entry
    }

    /// A function from the MCP tools of the moment to the agent's full dispatcher: the preset's builtins plus MCP
    /// tools, narrowed by the allow/block filters. A builtin keeps its name: an MCP tool with the same name is dropped.
    func dispatcherBuilder(intent: SessionIntent, config: MeerkatConfig, entry: CatalogEntry) throws(ServiceError)
        -> @Sendable ([any Tool]) -> ToolDispatcher
    {
        let preset = intent.tools ?? config.tools.preset
        let root: ProjectRoot
        do {
            root = try ProjectRoot(projectRoot.path)
        } catch {
            throw .invalidRequest(field: "project_root", message: "\(error)")
        }
        let shell = ShellConfig(
            defaultTimeout: .seconds(config.shell.timeoutSecs), shell: config.shell.program,
            securityMode: config.shell.securityMode,
            securityPatterns: config.shell.securityPatterns)
        let taskStore: any TaskStore = taskDirectory.map { JSONFileTaskStore(directory: $0) } ?? InMemoryTaskStore()
        var hostTools: [BuiltinToolName: any Tool] = [:]
        if let imageGeneration {
            hostTools[.generateImage] = GenerateImageTool(
                routing: imageGeneration.routing,
                clients: ImageGenerationClientFactory(catalog: catalog, environment: environment, transport: transport),
                store: imageGeneration.store, defaultModel: imageGeneration.defaultModel)
        }
        let builtins = BuiltinTools(
            root: root, taskStore: taskStore, shell: shell,
            capabilities: ModelToolCapabilities(imageToolResults: entry.profile.imageToolResults), hostTools: hostTools)
        var filter = ToolFilter.all
        let allow = intent.allowTools ?? config.tools.allow
        let block = intent.blockTools ?? config.tools.block
        if let allow { filter = .allow(Set(allow)) }
        if let block, !block.isEmpty {
            filter = allow == nil ? .deny(Set(block)) : .allow(Set(allow ?? []).subtracting(block))
        }
        let builtin = builtins.dispatcher(preset: preset, filter: filter)
        return { mcpTools in
            let extra = mcpTools.filter { tool in
                !builtin.contains(tool.name) && Self.passes(tool.name, allow: allow, block: block)
            }
            return extra.isEmpty ? builtin : builtin.adding(extra)
        }
    }

    static func passes(_ name: String, allow: [String]?, block: [String]?) -> Bool {
        if let allow, !allow.contains(name) { return false }
        if let block, block.contains(name) { return false }
        return true
    }
}

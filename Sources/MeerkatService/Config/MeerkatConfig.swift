import Foundation
public import MeerkatCore

/// The effective configuration (AGENT.md §9): built-in defaults, then the user file, the realm file and per-request
/// overrides. Every field has a default; files only say what differs.
public struct MeerkatConfig: Sendable, Hashable {
    /// `[agent]`
    public struct Agent: Sendable, Hashable {
        public var model: String?
        public var provider: ProviderKind?
        public var systemPrompt: String?
        public var systemPromptFile: String?
        public var toolInstructions: String?
        public var maxTokensPerTurn = 16384
        public var temperature: Double?
        public var budgetWarningThreshold = 0.8
        public var maxTurns = 100
        public var providerParams: JSONValue?
        public var structuredOutputRetries = 2
    }

    /// `[models]`: per-provider default ids and custom rows.
    public struct Models: Sendable, Hashable {
        public var anthropic: String?
        public var openai: String?
        public var gemini: String?
        public var custom: [String: CustomModel] = [:]
    }

    /// `[models.<id>]`
    public struct CustomModel: Sendable, Hashable {
        public var provider: String
        public var displayName: String?
        public var contextWindow: Int?
        public var maxOutputTokens: Int?
        public var vision = false
        public var webSearch = false
        public var callTimeoutSecs: Int?
    }

    /// `[self_hosted]`
    public struct SelfHosted: Sendable, Hashable {
        public var defaultModel: String?
        public var servers: [String: SelfHostedServer] = [:]
        public var models: [String: SelfHostedModelConfig] = [:]
    }

    /// `[self_hosted.servers.<id>]`
    public struct SelfHostedServer: Sendable, Hashable {
        public var baseURL: String
        public var apiStyle = "chat_completions"
        /// Environment variable holding the key, if the server needs one.
        public var apiKeyEnv: String?
    }

    /// `[self_hosted.models.<alias>]`
    public struct SelfHostedModelConfig: Sendable, Hashable {
        public var server: String
        public var remoteModel: String
        public var displayName: String?
        public var contextWindow: Int?
        public var maxOutputTokens: Int?
        public var vision = false
        public var imageToolResults = false
        public var supportsTemperature = true
        public var supportsThinking = false
        public var supportsReasoning = false
        public var callTimeoutSecs: Int?
        /// `json_schema` (default), `json_object` or `prompt_only`: the first structured-output mode tried.
        public var structuredOutput = "json_schema"
    }

    /// `[budget]` and `[limits]` combined.
    public struct Budget: Sendable, Hashable {
        public var maxTokens: Int?
        public var maxToolCalls: Int?
        public var maxDuration: Duration?
        public var maxTurnDuration: Duration?
        public var maxSessions = 100_000
    }

    /// `[retry]`
    public struct Retry: Sendable, Hashable {
        public var maxRetries = 3
        public var initialDelay: Duration = .milliseconds(500)
        public var maxDelay: Duration = .seconds(30)
        public var multiplier = 2.0
        public var callTimeout: Duration?
        public var streamInactivityTimeout: Duration? = .seconds(300)
    }

    /// `[tools]`
    public struct Tools: Sendable, Hashable {
        public var preset = ToolPreset.safe
        public var defaultTimeout: Duration = .seconds(600)
        public var maxConcurrent = 10
        public var toolTimeouts: [String: Duration] = [:]
        public var allow: [String]?
        public var block: [String]?
    }

    /// `[shell]`
    public struct Shell: Sendable, Hashable {
        public var program = "bash"
        public var timeoutSecs = 30
        public var securityMode = ShellSecurityMode.unrestricted
        public var securityPatterns: [String] = []
    }

    /// `[compaction]`
    public struct Compaction: Sendable, Hashable {
        public var autoCompactThreshold: Int?
        public var maxRequestBytes: Int?
        public var recentTurnBudget = 4
        public var maxSummaryTokens = 4096
        public var minTurnsBetweenCompactions = 3
    }

    /// `[rest]`
    public struct Rest: Sendable, Hashable {
        public var host = "127.0.0.1"
        public var port = 8080
    }

    public var agent = Agent()
    public var models = Models()
    public var selfHosted = SelfHosted()
    public var budget = Budget()
    public var retry = Retry()
    public var tools = Tools()
    public var shell = Shell()
    public var compaction = Compaction()
    public var rest = Rest()

    /// The built-in defaults.
    public init() {}

    /// Reads a merged config tree; unknown keys and bad values are errors naming the key path.
    public init(tree: [String: JSONValue], source: String) throws(ConfigError) {
        var root = try ConfigReader(source: source, path: "", value: .object(tree))

        var agent = try root.table("agent")
        self.agent.model = try agent.string("model")
        self.agent.provider = try agent.oneOf("provider", ProviderKind.self)
        self.agent.systemPrompt = try agent.string("system_prompt")
        self.agent.systemPromptFile = try agent.string("system_prompt_file")
        self.agent.toolInstructions = try agent.string("tool_instructions")
        self.agent.maxTokensPerTurn = try agent.int("max_tokens_per_turn", min: 1) ?? self.agent.maxTokensPerTurn
        self.agent.temperature = try agent.double("temperature", min: 0, max: 2)
        self.agent.budgetWarningThreshold =
            try agent.double("budget_warning_threshold", min: 0, max: 1) ?? self.agent.budgetWarningThreshold
        self.agent.maxTurns = try agent.int("max_turns", min: 1) ?? self.agent.maxTurns
        self.agent.providerParams = agent.raw("provider_params")
        self.agent.structuredOutputRetries = try agent.int("structured_output_retries", min: 0, max: 10) ?? 2
        try agent.finish()

        var models = try root.table("models")
        self.models.anthropic = try models.string("anthropic")
        self.models.openai = try models.string("openai")
        self.models.gemini = try models.string("gemini")
        for key in models.object.keys.sorted() where !["anthropic", "openai", "gemini"].contains(key) {
            var row = try models.table(key)
            guard let provider = try row.oneOf("provider", ["anthropic", "openai", "gemini"]) else {
                throw .invalidValue(
                    source: source, path: row.keyPath("provider"), message: "is required for a custom model row")
            }
            var custom = CustomModel(provider: provider)
            custom.displayName = try row.string("display_name")
            custom.contextWindow = try row.int("context_window", min: 1)
            custom.maxOutputTokens = try row.int("max_output_tokens", min: 1)
            custom.vision = try row.bool("vision") ?? false
            custom.webSearch = try row.bool("web_search") ?? false
            custom.callTimeoutSecs = try row.int("call_timeout_secs", min: 1)
            try row.finish()
            self.models.custom[key] = custom
        }
        try models.finish()

        var selfHosted = try root.table("self_hosted")
        self.selfHosted.defaultModel = try selfHosted.string("default_model")
        for (id, var server) in try selfHosted.tables("servers") {
            _ = try server.oneOf("transport", ["openai_compatible"])
            guard let url = try server.string("base_url"), URL(string: url)?.scheme != nil else {
                throw .invalidValue(
                    source: source, path: server.keyPath("base_url"), message: "is required and must be a URL")
            }
            var entry = SelfHostedServer(baseURL: url)
            entry.apiStyle = try server.oneOf("api_style", ["chat_completions", "responses"]) ?? entry.apiStyle
            entry.apiKeyEnv = try server.string("api_key_env")
            try server.finish()
            self.selfHosted.servers[id] = entry
        }
        for (alias, var model) in try selfHosted.tables("models") {
            guard let server = try model.string("server") else {
                throw .invalidValue(source: source, path: model.keyPath("server"), message: "is required")
            }
            guard self.selfHosted.servers[server] != nil else {
                throw .invalidValue(
                    source: source, path: model.keyPath("server"),
                    message: "names no [self_hosted.servers.\(server)] table")
            }
            var entry = SelfHostedModelConfig(server: server, remoteModel: try model.string("remote_model") ?? alias)
            entry.displayName = try model.string("display_name")
            _ = try model.string("family")
            _ = try model.string("tier")
            entry.contextWindow = try model.int("context_window", min: 1)
            entry.maxOutputTokens = try model.int("max_output_tokens", min: 1)
            entry.vision = try model.bool("vision") ?? false
            entry.imageToolResults = try model.bool("image_tool_results") ?? false
            _ = try model.bool("inline_video")
            entry.supportsTemperature = try model.bool("supports_temperature") ?? true
            entry.supportsThinking = try model.bool("supports_thinking") ?? false
            entry.supportsReasoning = try model.bool("supports_reasoning") ?? false
            _ = try model.bool("supports_web_search")
            entry.callTimeoutSecs = try model.int("call_timeout_secs", min: 1)
            entry.structuredOutput =
                try model.oneOf("structured_output", ["json_schema", "json_object", "prompt_only"])
                ?? entry.structuredOutput
            try model.finish()
            self.selfHosted.models[alias] = entry
        }
        try selfHosted.finish()

        var budget = try root.table("budget")
        self.budget.maxTokens = try budget.int("max_tokens", min: 1)
        self.budget.maxToolCalls = try budget.int("max_tool_calls", min: 0)
        if let duration = try budget.duration("max_duration") { self.budget.maxDuration = duration }
        try budget.finish()
        var limits = try root.table("limits")
        if let tokens = try limits.int("budget", min: 1) { self.budget.maxTokens = tokens }
        self.budget.maxSessions = try limits.int("max_sessions", min: 1) ?? self.budget.maxSessions
        if let duration = try limits.duration("max_duration") { self.budget.maxDuration = duration }
        if let duration = try limits.duration("max_turn_duration") { self.budget.maxTurnDuration = duration }
        try limits.finish()

        var retry = try root.table("retry")
        self.retry.maxRetries = try retry.int("max_retries", min: 0, max: 20) ?? self.retry.maxRetries
        if let value = try retry.duration("initial_delay") { self.retry.initialDelay = value ?? .zero }
        if let value = try retry.duration("max_delay") { self.retry.maxDelay = value ?? .zero }
        self.retry.multiplier = try retry.double("multiplier", min: 1) ?? self.retry.multiplier
        if let value = try retry.duration("call_timeout") { self.retry.callTimeout = value }
        if let value = try retry.duration("stream_inactivity_timeout") { self.retry.streamInactivityTimeout = value }
        try retry.finish()

        var tools = try root.table("tools")
        self.tools.preset = try tools.oneOf("preset", ToolPreset.self) ?? self.tools.preset
        if let value = try tools.duration("default_timeout") { self.tools.defaultTimeout = value ?? .seconds(600) }
        self.tools.maxConcurrent = try tools.int("max_concurrent", min: 1, max: 256) ?? self.tools.maxConcurrent
        var timeouts = try tools.table("tool_timeouts")
        for name in timeouts.object.keys.sorted() {
            if let value = try timeouts.duration(name), let duration = value {
                self.tools.toolTimeouts[name] = duration
            }
        }
        try timeouts.finish()
        self.tools.allow = try tools.strings("allow")
        self.tools.block = try tools.strings("block")
        for flag in ["builtins_enabled", "shell_enabled"] { _ = try tools.bool(flag) }
        try tools.finish()

        var shell = try root.table("shell")
        self.shell.program = try shell.string("program") ?? self.shell.program
        self.shell.timeoutSecs = try shell.int("timeout_secs", min: 1, max: 86_400) ?? self.shell.timeoutSecs
        self.shell.securityMode =
            try shell.oneOf("security_mode", ShellSecurityMode.self) ?? self.shell.securityMode
        self.shell.securityPatterns = try shell.strings("security_patterns") ?? []
        try shell.finish()

        var compaction = try root.table("compaction")
        self.compaction.autoCompactThreshold = try compaction.int("auto_compact_threshold", min: 1)
        self.compaction.maxRequestBytes = try compaction.int("max_request_bytes", min: 1)
        self.compaction.recentTurnBudget = try compaction.int("recent_turn_budget", min: 0) ?? 4
        self.compaction.maxSummaryTokens = try compaction.int("max_summary_tokens", min: 1) ?? 4096
        self.compaction.minTurnsBetweenCompactions = try compaction.int("min_turns_between_compactions", min: 0) ?? 3
        try compaction.finish()

        var rest = try root.table("rest")
        self.rest.host = try rest.string("host") ?? self.rest.host
        self.rest.port = try rest.int("port", min: 0, max: 65535) ?? self.rest.port
        try rest.finish()

        try root.finish()
    }
}

import Foundation
public import MeerkatCore

/// What a session was created with. Persisted in the session's metadata (`intent`) and re-resolved against the
/// current config on every resume, so a config change applies to old sessions.
public struct SessionIntent: Sendable, Hashable, Codable {
    public var model: String?
    public var provider: ProviderKind?
    public var maxTokens: Int?
    public var budgetTokens: Int?
    public var maxToolCalls: Int?
    /// Duration text (`"10m"`).
    public var maxDuration: String?
    /// The tool preset (the configuration's when nil).
    public var tools: ToolPreset?
    public var allowTools: [String]?
    public var blockTools: [String]?
    public var outputSchema: JSONValue?
    public var labels: [String: String]
    /// An OpenAI-compatible server (`http://host:port/v1`) that serves `model` directly, without a
    /// `[self_hosted]` entry (Chat Completions, no key unless `SKAT_SELF_HOSTED_API_KEY` is set).
    public var baseURL: String?

    private enum CodingKeys: String, CodingKey {
        case model, provider, maxTokens = "max_tokens", budgetTokens = "budget_tokens", maxToolCalls = "max_tool_calls"
        case maxDuration = "max_duration", tools, allowTools = "allow_tools", blockTools = "block_tools"
        case outputSchema = "output_schema", labels, baseURL = "base_url"
    }

    public init(
        model: String? = nil, provider: ProviderKind? = nil, maxTokens: Int? = nil, budgetTokens: Int? = nil,
        maxToolCalls: Int? = nil, maxDuration: String? = nil, tools: ToolPreset? = nil, allowTools: [String]? = nil,
        blockTools: [String]? = nil, outputSchema: JSONValue? = nil, labels: [String: String] = [:],
        baseURL: String? = nil
    ) {
        self.model = model
        self.provider = provider
        self.maxTokens = maxTokens
        self.budgetTokens = budgetTokens
        self.maxToolCalls = maxToolCalls
        self.maxDuration = maxDuration
        self.tools = tools
        self.allowTools = allowTools
        self.blockTools = blockTools
        self.outputSchema = outputSchema
        self.labels = labels
        self.baseURL = baseURL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        provider = try Self.decodeCase(ProviderKind.self, container, .provider)
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        budgetTokens = try container.decodeIfPresent(Int.self, forKey: .budgetTokens)
        maxToolCalls = try container.decodeIfPresent(Int.self, forKey: .maxToolCalls)
        maxDuration = try container.decodeIfPresent(String.self, forKey: .maxDuration)
        tools = try Self.decodeCase(ToolPreset.self, container, .tools)
        allowTools = try container.decodeIfPresent([String].self, forKey: .allowTools)
        blockTools = try container.decodeIfPresent([String].self, forKey: .blockTools)
        outputSchema = try container.decodeIfPresent(JSONValue.self, forKey: .outputSchema)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
    }

    /// A case named by its raw value; an unknown name is a decoding error at the field that lists the cases.
    private static func decodeCase<Kind: RawRepresentable & CaseIterable>(
        _ kind: Kind.Type, _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> Kind? where Kind.RawValue == String {
        guard let name = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = Kind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription:
                    "unknown \(key.stringValue) '\(name)' (\(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    /// Checks the fields that can be checked without the catalog. `creating`: the intent of a new session, whose
    /// ad-hoc server (`base_url`) must serve its model. A later intent keeps the session's ad-hoc server while a
    /// reconfiguration points the session at a catalog model of another provider.
    public func validate(creating: Bool = true) throws(ServiceError) {
        if let maxTokens, maxTokens < 1 { throw .invalidRequest(field: "max_tokens", message: "must be at least 1") }
        if let maxToolCalls, maxToolCalls < 0 {
            throw .invalidRequest(field: "max_tool_calls", message: "must be 0 or more")
        }
        if let budgetTokens, budgetTokens < 1 {
            throw .invalidRequest(field: "budget_tokens", message: "must be at least 1")
        }
        if let maxDuration {
            do {
                _ = try DurationText.parse(maxDuration)
            } catch {
                throw .invalidRequest(field: "max_duration", message: error.description)
            }
        }
        if let outputSchema {
            do {
                _ = try OutputSchema(json: outputSchema)
            } catch {
                throw .invalidRequest(field: "output_schema", message: error.message)
            }
        }
        if let baseURL {
            guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw .invalidRequest(
                    field: "base_url",
                    message: "must be an http(s) URL such as http://127.0.0.1:11434/v1, got '\(baseURL)'")
            }
            guard model != nil else {
                throw .invalidRequest(field: "base_url", message: "needs a model name the server knows (-m)")
            }
            if creating, let provider, provider != .selfHosted {
                throw .invalidRequest(
                    field: "base_url", message: "serves self-hosted models only, not provider '\(provider)'")
            }
        }
    }

    /// The agent configuration for this intent under `config`, for a resolved model and its output cap.
    public func agentConfig(model: String, maxOutputTokens: Int?, config: MeerkatConfig) throws(ServiceError)
        -> AgentConfig
    {
        var agent = AgentConfig(model: model)
        let requested = maxTokens ?? config.agent.maxTokensPerTurn
        agent.maxTokensPerTurn = min(requested, maxOutputTokens ?? requested)
        agent.temperature = config.agent.temperature
        agent.providerParams = config.agent.providerParams
        agent.maxTurns = config.agent.maxTurns
        agent.budgetWarningThreshold = config.agent.budgetWarningThreshold
        agent.structuredOutputRetries = config.agent.structuredOutputRetries
        agent.budget.maxTokens = budgetTokens ?? config.budget.maxTokens
        agent.budget.maxToolCalls = maxToolCalls ?? config.budget.maxToolCalls
        agent.budget.maxDuration = config.budget.maxDuration
        if let maxDuration {
            do {
                agent.budget.maxDuration = try DurationText.parse(maxDuration)
            } catch {
                throw .invalidRequest(field: "max_duration", message: error.description)
            }
        }
        agent.budget.maxTurnDuration = config.budget.maxTurnDuration
        agent.retry.maxRetries = config.retry.maxRetries
        agent.retry.initialDelay = config.retry.initialDelay
        agent.retry.maxDelay = config.retry.maxDelay
        agent.retry.multiplier = config.retry.multiplier
        agent.retry.callTimeout = config.retry.callTimeout
        agent.retry.streamInactivityTimeout = config.retry.streamInactivityTimeout
        agent.toolExecution = ToolExecutionPolicy(
            maxConcurrent: config.tools.maxConcurrent, defaultTimeout: config.tools.defaultTimeout,
            timeouts: config.tools.toolTimeouts)
        if let outputSchema {
            do {
                agent.outputSchema = try OutputSchema(json: outputSchema)
            } catch {
                throw .invalidRequest(field: "output_schema", message: error.message)
            }
        }
        return agent
    }
}

extension Session {
    /// Metadata key holding the creation intent.
    public static let intentKey = "intent"

    /// The persisted intent (empty when absent).
    public var intent: SessionIntent {
        guard let value = metadata[Self.intentKey],
            let intent = try? WireJSON.fromJSONValue(value, as: SessionIntent.self)
        else { return SessionIntent() }
        return intent
    }
}

import Foundation
import MeerkatCore

/// A model identifier.
public typealias ModelID = String

/// The runtime-owned capability surface of a session's resolved model (RUNTIME.md §12).
public struct SessionLLMCapabilitySurface: Sendable, Hashable, Codable {
    public var supportsTemperature: Bool
    public var supportsThinking: Bool
    public var supportsReasoning: Bool
    public var inlineVideo: Bool
    public var vision: Bool
    public var imageInput: Bool
    public var imageToolResults: Bool
    public var supportsWebSearch: Bool
    public var imageGeneration: Bool
    public var realtime: Bool
    public var callTimeoutSecs: Int?

    private enum CodingKeys: String, CodingKey {
        case supportsTemperature = "supports_temperature", supportsThinking = "supports_thinking"
        case supportsReasoning = "supports_reasoning", inlineVideo = "inline_video", vision
        case imageInput = "image_input", imageToolResults = "image_tool_results"
        case supportsWebSearch = "supports_web_search", imageGeneration = "image_generation", realtime
        case callTimeoutSecs = "call_timeout_secs"
    }
}

/// A session's LLM identity.
public struct SessionLLMIdentity: Sendable, Hashable, Codable {
    public var model: ModelID
    public var provider: String
    public var selfHostedServerID: String?
    public var providerParams: JSONValue?

    private enum CodingKeys: String, CodingKey {
        case model, provider, selfHostedServerID = "self_hosted_server_id", providerParams = "provider_params"
    }
}

/// A request to re-point a session at another model (omitted fields keep the current value).
public struct SessionLLMReconfigureRequest: Sendable, Hashable, Codable {
    public var model: ModelID?
    public var provider: String?
    public var selfHostedServerID: String?
    public var providerParams: JSONValue?

    private enum CodingKeys: String, CodingKey {
        case model, provider, selfHostedServerID = "self_hosted_server_id", providerParams = "provider_params"
    }

    public init(
        model: ModelID? = nil, provider: String? = nil, selfHostedServerID: String? = nil,
        providerParams: JSONValue? = nil
    ) {
        self.model = model
        self.provider = provider
        self.selfHostedServerID = selfHostedServerID
        self.providerParams = providerParams
    }
}

/// What a reconfiguration changed.
public struct SessionLLMReconfigureReport: Sendable, Hashable, Codable {
    public var previousIdentity: SessionLLMIdentity
    public var newIdentity: SessionLLMIdentity
    public var rollbackOccurred: Bool

    private enum CodingKeys: String, CodingKey {
        case previousIdentity = "previous_identity", newIdentity = "new_identity", rollbackOccurred =
            "rollback_occurred"
    }
}

/// The model routing state of a session (RUNTIME.md §13).
public struct SessionModelRoutingStatus: Sendable, Hashable, Codable {
    public var baselineModel: ModelID?
    public var effectiveModel: ModelID?
    public var sessionProvider: String?

    private enum CodingKeys: String, CodingKey {
        case baselineModel = "baseline_model", effectiveModel = "effective_model", sessionProvider = "session_provider"
    }
}

/// How long a switch lasts.
public enum SwitchTurnDuration: Sendable, Hashable, Codable {
    case oneTurn
    case turns(Int)
    case untilChanged
}

/// A request to route the session to another model for some turns.
public struct SwitchTurnRequest: Sendable, Hashable {
    public var requestID: String
    public var targetModel: ModelID
    public var duration: SwitchTurnDuration

    public init(requestID: String, targetModel: ModelID, duration: SwitchTurnDuration) {
        self.requestID = requestID
        self.targetModel = targetModel
        self.duration = duration
    }
}

/// The result of a switch request.
public enum SwitchTurnControlResult: Sendable, Hashable {
    case applied(requestID: String, targetModel: ModelID, duration: SwitchTurnDuration)
    case denied(requestID: String, reason: String)
}

/// Identity of an image operation.
public typealias ImageOperationID = String

/// A request to route an image operation.
public struct ImageOperationRoutingRequest: Sendable, Hashable {
    public var operationID: ImageOperationID
    public var targetModel: ModelID
    public var requiresScopedOverride: Bool

    public init(operationID: ImageOperationID, targetModel: ModelID, requiresScopedOverride: Bool) {
        self.operationID = operationID
        self.targetModel = targetModel
        self.requiresScopedOverride = requiresScopedOverride
    }
}

/// The routing answer for an image operation.
public enum ImageOperationRoutingResult: Sendable, Hashable {
    case accepted(operationID: ImageOperationID, phase: ImageOperationPhase)
    case denied(operationID: ImageOperationID, reason: String)
}

/// How an image operation ended.
public enum ImageOperationTerminalClass: String, Sendable, Hashable, Codable {
    case generated
    case emptyResult = "empty_result"
    case denied
    case refusedByProvider = "refused_by_provider"
    case safetyFiltered = "safety_filtered"
    case failed, cancelled, timeout
}

/// Where an image operation is.
public enum ImageOperationPhase: Sendable, Hashable {
    case planResolved
    case scopedOverrideActive
    case restoringScopedOverride
    case terminal(ImageOperationTerminalClass)
}

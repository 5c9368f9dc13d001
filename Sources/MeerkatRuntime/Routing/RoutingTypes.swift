import Foundation
public import MeerkatCore

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
    /// Evidence only: the model exposes a realtime transport. Never attaches one by itself.
    public var realtime: Bool
    public var callTimeoutSecs: Int?

    private enum CodingKeys: String, CodingKey {
        case supportsTemperature = "supports_temperature", supportsThinking = "supports_thinking"
        case supportsReasoning = "supports_reasoning", inlineVideo = "inline_video", vision
        case imageInput = "image_input", imageToolResults = "image_tool_results"
        case supportsWebSearch = "supports_web_search", imageGeneration = "image_generation", realtime
        case callTimeoutSecs = "call_timeout_secs"
    }

    public init(
        supportsTemperature: Bool = false, supportsThinking: Bool = false, supportsReasoning: Bool = false,
        inlineVideo: Bool = false, vision: Bool = false, imageInput: Bool = false, imageToolResults: Bool = false,
        supportsWebSearch: Bool = false, imageGeneration: Bool = false, realtime: Bool = false,
        callTimeoutSecs: Int? = nil
    ) {
        self.supportsTemperature = supportsTemperature
        self.supportsThinking = supportsThinking
        self.supportsReasoning = supportsReasoning
        self.inlineVideo = inlineVideo
        self.vision = vision
        self.imageInput = imageInput
        self.imageToolResults = imageToolResults
        self.supportsWebSearch = supportsWebSearch
        self.imageGeneration = imageGeneration
        self.realtime = realtime
        self.callTimeoutSecs = callTimeoutSecs
    }
}

/// A reference to the credentials a session's calls use (an environment variable or a named auth profile).
public typealias AuthBindingRef = String

/// A session's LLM identity.
public struct SessionLLMIdentity: Sendable, Hashable, Codable {
    public var model: ModelID
    public var provider: String
    public var selfHostedServerID: String?
    public var providerParams: JSONValue?
    public var authBinding: AuthBindingRef?

    private enum CodingKeys: String, CodingKey {
        case model, provider, selfHostedServerID = "self_hosted_server_id", providerParams = "provider_params"
        case authBinding = "auth_binding"
    }

    public init(
        model: ModelID, provider: String, selfHostedServerID: String? = nil, providerParams: JSONValue? = nil,
        authBinding: AuthBindingRef? = nil
    ) {
        self.model = model
        self.provider = provider
        self.selfHostedServerID = selfHostedServerID
        self.providerParams = providerParams
        self.authBinding = authBinding
    }
}

/// Set-or-clear for an optional identity field; a nil `TurnMetadataOverride?` inherits (three distinct facts).
public enum TurnMetadataOverride<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    case set(Value)
    case clear

    /// The field after applying this override to `current`.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .set(let value): value
        case .clear: nil
        }
    }
}

/// A request to re-point a session at another model (omitted fields keep the current value).
public struct SessionLLMReconfigureRequest: Sendable, Hashable, Codable {
    public var model: ModelID?
    public var provider: String?
    public var selfHostedServerID: String?
    public var providerParams: TurnMetadataOverride<JSONValue>?
    public var authBinding: TurnMetadataOverride<AuthBindingRef>?

    private enum CodingKeys: String, CodingKey {
        case model, provider, selfHostedServerID = "self_hosted_server_id", providerParams = "provider_params"
        case authBinding = "auth_binding"
    }

    public init(
        model: ModelID? = nil, provider: String? = nil, selfHostedServerID: String? = nil,
        providerParams: TurnMetadataOverride<JSONValue>? = nil, authBinding: TurnMetadataOverride<AuthBindingRef>? = nil
    ) {
        self.model = model
        self.provider = provider
        self.selfHostedServerID = selfHostedServerID
        self.providerParams = providerParams
        self.authBinding = authBinding
    }
}

/// How the capability surface changed.
public struct CapabilityDelta: Sendable, Hashable, Codable {
    public var previous: SessionLLMCapabilitySurface?
    public var current: SessionLLMCapabilitySurface?
    public var changed: Bool
}

/// How the tool-visibility plan changed (RUNTIME.md §12).
public struct ToolVisibilityDelta: Sendable, Hashable, Codable {
    /// Tools hidden by capability before and after (sorted names).
    public var previousCapabilityBaseFilter: [String]
    public var currentCapabilityBaseFilter: [String]
    public var committedVisibleSetChanged: Bool
    public var revisionBumped: Bool

    private enum CodingKeys: String, CodingKey {
        case previousCapabilityBaseFilter = "previous_capability_base_filter"
        case currentCapabilityBaseFilter = "current_capability_base_filter"
        case committedVisibleSetChanged = "committed_visible_set_changed", revisionBumped = "revision_bumped"
    }
}

/// What a reconfiguration changed.
public struct SessionLLMReconfigureReport: Sendable, Hashable, Codable {
    public var previousIdentity: SessionLLMIdentity
    public var newIdentity: SessionLLMIdentity
    public var capabilityDelta: CapabilityDelta
    public var toolVisibilityDelta: ToolVisibilityDelta
    public var rollbackOccurred: Bool

    private enum CodingKeys: String, CodingKey {
        case previousIdentity = "previous_identity", newIdentity = "new_identity"
        case capabilityDelta = "capability_delta", toolVisibilityDelta = "tool_visibility_delta"
        case rollbackOccurred = "rollback_occurred"
    }
}

/// The active finite turn override.
public struct ActiveTurnOverride: Sendable, Hashable, Codable {
    public var requestID: String
    public var targetModel: ModelID
    public var targetRealtime: Bool
    public var remainingTurns: Int

    private enum CodingKeys: String, CodingKey {
        case requestID = "request_id", targetModel = "target_model", targetRealtime = "target_realtime"
        case remainingTurns = "remaining_turns"
    }
}

/// The active image-operation override.
public struct ActiveOperationOverride: Sendable, Hashable, Codable {
    public var operationID: ImageOperationID
    public var targetModel: ModelID
    public var targetRealtime: Bool

    private enum CodingKeys: String, CodingKey {
        case operationID = "operation_id", targetModel = "target_model", targetRealtime = "target_realtime"
    }
}

/// A finite switch accepted and waiting for the next assistant-turn boundary.
public struct PendingSwitchTurn: Sendable, Hashable, Codable {
    public var requestID: String
    public var targetModel: ModelID
    public var targetRealtime: Bool
    public var allowRealtimeDetach: Bool
    public var turns: Int

    private enum CodingKeys: String, CodingKey {
        case requestID = "request_id", targetModel = "target_model", targetRealtime = "target_realtime"
        case allowRealtimeDetach = "allow_realtime_detach", turns
    }
}

/// The model routing state of a session (RUNTIME.md §13).
public struct SessionModelRoutingStatus: Sendable, Hashable, Codable {
    public var baselineModel: ModelID?
    /// Operation override target ?? turn override target ?? baseline.
    public var effectiveModel: ModelID?
    /// The machine's LLM identity provider (nil before hydration; never derived from the model name).
    public var sessionProvider: String?
    public var activeTurnOverride: ActiveTurnOverride?
    public var activeOperationOverride: ActiveOperationOverride?
    public var pendingSwitchTurn: PendingSwitchTurn?
    /// Bumped on every effective-model change.
    public var topologyEpoch: UInt64

    private enum CodingKeys: String, CodingKey {
        case baselineModel = "baseline_model", effectiveModel = "effective_model", sessionProvider = "session_provider"
        case activeTurnOverride = "active_turn_override", activeOperationOverride = "active_operation_override"
        case pendingSwitchTurn = "pending_switch_turn", topologyEpoch = "topology_epoch"
    }

    public init(
        baselineModel: ModelID? = nil, effectiveModel: ModelID? = nil, sessionProvider: String? = nil,
        activeTurnOverride: ActiveTurnOverride? = nil, activeOperationOverride: ActiveOperationOverride? = nil,
        pendingSwitchTurn: PendingSwitchTurn? = nil, topologyEpoch: UInt64 = 0
    ) {
        self.baselineModel = baselineModel
        self.effectiveModel = effectiveModel
        self.sessionProvider = sessionProvider
        self.activeTurnOverride = activeTurnOverride
        self.activeOperationOverride = activeOperationOverride
        self.pendingSwitchTurn = pendingSwitchTurn
        self.topologyEpoch = topologyEpoch
    }
}

/// How long a switch lasts.
public enum SwitchTurnDuration: Sendable, Hashable, Codable {
    case oneTurn
    case turns(Int)
    case untilChanged

    /// The number of assistant turns of a finite switch (nil for `until_changed`).
    public var finiteTurns: Int? {
        switch self {
        case .oneTurn: 1
        case .turns(let count): count
        case .untilChanged: nil
        }
    }
}

/// Who asked for a switch.
public enum SwitchTurnOrigin: String, Sendable, Hashable, Codable {
    case user, agent, system
}

/// The approval disposition a caller resolved before asking (RUNTIME.md §13).
public enum RoutingApproval: String, Sendable, Hashable, Codable {
    case notRequired = "not_required"
    case approved
    case deniedByUser = "denied_by_user"
    case requiredButUnavailable = "required_but_unavailable"
}

/// Why a switch or an image operation needed approval.
public enum RoutingApprovalReason: String, Sendable, Hashable, Codable {
    case realtimeDetachRequired = "realtime_detach_required"
    case costPolicy = "cost_policy"
    case userConfirmation = "user_confirmation"
}

/// Why a switch request was denied.
public enum SwitchTurnDenialReason: Sendable, Hashable, Codable, CustomStringConvertible {
    case approvalRequiredButUnavailable
    case deniedDuringApproval(reason: RoutingApprovalReason)
    case scopedOverrideConflict
    case realtimeTransportConflict
    /// No baseline model is known (configure one, or let the session hydrate it).
    case unknownBaseline
    /// `turns{n}` with n < 1.
    case invalidDuration

    public var description: String {
        switch self {
        case .approvalRequiredButUnavailable: "approval_required_but_unavailable"
        case .deniedDuringApproval(let reason): "denied_during_approval(\(reason.rawValue))"
        case .scopedOverrideConflict: "scoped_override_conflict"
        case .realtimeTransportConflict: "realtime_transport_conflict"
        case .unknownBaseline: "unknown_baseline"
        case .invalidDuration: "invalid_duration"
        }
    }
}

/// A request to route the session to another model for some turns.
public struct SwitchTurnRequest: Sendable, Hashable {
    public var requestID: String
    public var targetModel: ModelID
    public var duration: SwitchTurnDuration
    public var origin: SwitchTurnOrigin
    public var targetRealtimeCapable: Bool
    public var allowRealtimeDetach: Bool
    public var approval: RoutingApproval
    /// Required when `approval` is `denied_by_user`.
    public var approvalReason: RoutingApprovalReason?

    public init(
        requestID: String, targetModel: ModelID, duration: SwitchTurnDuration, origin: SwitchTurnOrigin = .user,
        targetRealtimeCapable: Bool = false, allowRealtimeDetach: Bool = false,
        approval: RoutingApproval = .notRequired,
        approvalReason: RoutingApprovalReason? = nil
    ) {
        self.requestID = requestID
        self.targetModel = targetModel
        self.duration = duration
        self.origin = origin
        self.targetRealtimeCapable = targetRealtimeCapable
        self.allowRealtimeDetach = allowRealtimeDetach
        self.approval = approval
        self.approvalReason = approvalReason
    }
}

/// The result of a switch request.
public enum SwitchTurnControlResult: Sendable, Hashable {
    case applied(requestID: String, targetModel: ModelID, duration: SwitchTurnDuration)
    /// Exists in the vocabulary; the current flow resolves approval before calling.
    case awaitingApproval(requestID: String, approvalID: String)
    case denied(requestID: String, reason: String)
}

/// How a switch request ended (exactly one per request id).
public enum SwitchRequestTerminal: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A finite override ran all its turns and the baseline is back.
    case consumedAndRestored
    /// An `until_changed` switch reconfigured the session and set the new baseline.
    case persistentReconfigureApplied
    case denied(reason: SwitchTurnDenialReason)
    /// A pending finite switch replaced by a later `until_changed` before it started.
    case superseded(by: String)
    /// An `until_changed` switch whose reconfiguration failed.
    case reconfigureFailed(reason: String)

    public var description: String {
        switch self {
        case .consumedAndRestored: "consumed_and_restored"
        case .persistentReconfigureApplied: "persistent_reconfigure_applied"
        case .denied(let reason): "denied(\(reason))"
        case .superseded(let by): "superseded(by: \(by))"
        case .reconfigureFailed(let reason): "reconfigure_failed(\(reason))"
        }
    }
}

/// Identity of an image operation.
public typealias ImageOperationID = String

/// A request to route an image operation.
public struct ImageOperationRoutingRequest: Sendable, Hashable {
    public var operationID: ImageOperationID
    public var targetModel: ModelID
    public var requiresScopedOverride: Bool
    public var targetRealtime: Bool
    public var approval: RoutingApproval
    public var approvalReason: RoutingApprovalReason?

    public init(
        operationID: ImageOperationID, targetModel: ModelID, requiresScopedOverride: Bool,
        targetRealtime: Bool = false, approval: RoutingApproval = .notRequired,
        approvalReason: RoutingApprovalReason? = nil
    ) {
        self.operationID = operationID
        self.targetModel = targetModel
        self.requiresScopedOverride = requiresScopedOverride
        self.targetRealtime = targetRealtime
        self.approval = approval
        self.approvalReason = approvalReason
    }
}

/// Why an image operation was denied (RUNTIME.md §14).
public enum ImageOperationDenialReason: Sendable, Hashable, Codable, CustomStringConvertible {
    case unsupportedTarget, unsupportedCount, capabilityPolicy, costPolicy, safetyPolicy
    case approvalRequiredButUnavailable
    case deniedDuringApproval(approvable: Bool)
    case scopedOverrideConflict, realtimeTransportConflict, projectionUnsupported
    /// No baseline model is known.
    case unknownBaseline

    public var description: String {
        switch self {
        case .unsupportedTarget: "unsupported_target"
        case .unsupportedCount: "unsupported_count"
        case .capabilityPolicy: "capability_policy"
        case .costPolicy: "cost_policy"
        case .safetyPolicy: "safety_policy"
        case .approvalRequiredButUnavailable: "approval_required_but_unavailable"
        case .deniedDuringApproval(let approvable): "denied_during_approval(approvable: \(approvable))"
        case .scopedOverrideConflict: "scoped_override_conflict"
        case .realtimeTransportConflict: "realtime_transport_conflict"
        case .projectionUnsupported: "projection_unsupported"
        case .unknownBaseline: "unknown_baseline"
        }
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
    /// Restoring the scoped override failed (the override was still cleared; see RUNTIME.md §14).
    case scopedRestoreFailed = "scoped_restore_failed"
}

/// Where an image operation is.
public enum ImageOperationPhase: Sendable, Hashable {
    case planResolved
    case scopedOverrideActive
    case restoringScopedOverride
    case terminal(ImageOperationTerminalClass)
}

extension ImageOperationDenialReason {
    /// The snake_case wire name (`unsupported_target`, ...), without the payload.
    public var wireName: String {
        switch self {
        case .deniedDuringApproval: "denied_during_approval"
        default: description
        }
    }
}

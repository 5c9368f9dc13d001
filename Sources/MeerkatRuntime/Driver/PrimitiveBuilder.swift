import Foundation
public import MeerkatCore

/// Why a batch could not be turned into a primitive (the run fails as "primitive rejected").
public enum PrimitiveBuildError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two members disagree on a scalar turn setting (model, provider, params, ...).
    case turnMetadataMergeConflict(field: String)
    /// A member's payload is missing from the machine.
    case missingPayload(InputID)

    public var description: String {
        switch self {
        case .turnMetadataMergeConflict(let field): "batched inputs disagree on turn metadata field '\(field)'"
        case .missingPayload(let id): "input \(id) has no stored payload"
        }
    }
}

/// Builds the `RunPrimitive.stagedInput` for a batch (RUNTIME.md §7.4).
public enum PrimitiveBuilder {
    /// One batch member: the input, its admitted semantics, and whether its content is already in the transcript.
    public struct Member: Sendable {
        public var input: Input
        public var semantics: RuntimeInputSemantics
        /// True for an input of an interrupted run being continued: it contributes no appends (its content was
        /// applied before the process stopped) and the turn resumes from the transcript.
        public var appliedToTranscript: Bool

        public init(input: Input, semantics: RuntimeInputSemantics, appliedToTranscript: Bool = false) {
            self.input = input
            self.semantics = semantics
            self.appliedToTranscript = appliedToTranscript
        }
    }

    /// Appends in batch order (each member: injected context → primary → additional), contributing ids in batch
    /// order, the first member's boundary and the merged turn metadata.
    public static func build(_ members: [Member]) throws(PrimitiveBuildError) -> RunPrimitive {
        guard let first = members.first else {
            return .stagedInput(StagedRunInput(boundary: .runStart))
        }
        var appends: [ConversationAppend] = []
        var merged: RuntimeTurnMetadata?
        for member in members {
            if !member.appliedToTranscript {
                appends += systemPromptAppends(member.input) + member.input.projection().orderedAppends
            }
            let metadata = metadata(for: member)
            merged =
                try merged.map { existing throws(PrimitiveBuildError) in try merge(existing, metadata) } ?? metadata
        }
        return .stagedInput(
            StagedRunInput(
                boundary: first.semantics.boundary, appends: appends, contributingInputIDs: members.map(\.input.id),
                turnMetadata: merged))
    }

    /// Peer system prompts become ordinary system rows of the turn (exact bytes, order kept).
    static func systemPromptAppends(_ input: Input) -> [ConversationAppend] {
        guard case .peer(let peer) = input else { return [] }
        return peer.systemPrompts.map { ConversationAppend(role: .system, content: .text($0)) }
    }

    /// The per-input metadata, constructed in exactly one place (RUNTIME.md §18.22), stamped with the execution kind.
    public static func metadata(for member: Member) -> RuntimeTurnMetadata {
        var metadata: RuntimeTurnMetadata
        switch member.input {
        case .prompt(let prompt): metadata = prompt.turnMetadata ?? RuntimeTurnMetadata()
        case .flowStep(let step): metadata = step.turnMetadata ?? RuntimeTurnMetadata()
        case .externalEvent(let event):
            metadata = RuntimeTurnMetadata(handlingMode: event.handlingMode, renderMetadata: event.renderMetadata)
        case .continuation(let continuation):
            metadata = RuntimeTurnMetadata(
                handlingMode: continuation.handlingMode, flowToolOverlay: continuation.turnToolOverlay)
        case .peer(let peer): metadata = RuntimeTurnMetadata(handlingMode: peer.handlingMode)
        case .operation: metadata = RuntimeTurnMetadata()
        }
        if let normalised = member.semantics.executionHandlingMode { metadata.handlingMode = normalised }
        metadata.executionKind = member.appliedToTranscript ? .resumePending : member.semantics.executionKind
        return metadata
    }

    /// Merges two members' metadata: collections accumulate in order, the earliest explicit handling mode wins, any
    /// other scalar disagreement is a conflict.
    public static func merge(_ lhs: RuntimeTurnMetadata, _ rhs: RuntimeTurnMetadata) throws(PrimitiveBuildError)
        -> RuntimeTurnMetadata
    {
        var out = lhs
        out.handlingMode = lhs.handlingMode ?? rhs.handlingMode
        out.skillReferences = accumulate(lhs.skillReferences, rhs.skillReferences)
        out.additionalInstructions = accumulate(lhs.additionalInstructions, rhs.additionalInstructions)
        out.keepAlive = try scalar("keep_alive", lhs.keepAlive, rhs.keepAlive)
        out.flowToolOverlay = try scalar("flow_tool_overlay", lhs.flowToolOverlay, rhs.flowToolOverlay)
        out.model = try scalar("model", lhs.model, rhs.model)
        out.provider = try scalar("provider", lhs.provider, rhs.provider)
        out.providerParams = try scalar("provider_params", lhs.providerParams, rhs.providerParams)
        out.renderMetadata = try scalar("render_metadata", lhs.renderMetadata, rhs.renderMetadata)
        out.executionKind = try scalar("execution_kind", lhs.executionKind, rhs.executionKind)
        return out
    }

    private static func accumulate<T>(_ lhs: [T]?, _ rhs: [T]?) -> [T]? {
        guard lhs != nil || rhs != nil else { return nil }
        return (lhs ?? []) + (rhs ?? [])
    }

    private static func scalar<T: Equatable>(_ field: String, _ lhs: T?, _ rhs: T?) throws(PrimitiveBuildError) -> T? {
        switch (lhs, rhs) {
        case (let left?, let right?) where left != right: throw .turnMetadataMergeConflict(field: field)
        default: return lhs ?? rhs
        }
    }
}

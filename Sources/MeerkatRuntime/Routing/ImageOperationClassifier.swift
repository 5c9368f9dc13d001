import Foundation

/// What the image tool observed when an operation ended (RUNTIME.md §14 step 5).
public enum ImageOperationObservation: Sendable, Hashable {
    /// At least one image came back and was stored.
    case generated
    /// The provider answered without an image.
    case emptyResult
    /// The tool failed before or after the provider call (not a provider answer).
    case executionFailed
    /// The bytes could not be committed to the blob store.
    case blobCommitFailed
    /// The provider answered with an error.
    case providerError(ImageProviderError)
}

/// A provider's error answer to an image call, as far as classification needs it.
public struct ImageProviderError: Sendable, Hashable {
    /// Which provider family answered.
    public enum Provider: String, Sendable, Hashable { case openai, gemini, other }

    public var provider: Provider
    /// HTTP status, when the error came over HTTP.
    public var httpStatus: Int?
    /// The provider's error code or finish/block reason (e.g. `content_policy_violation`, `SAFETY`,
    /// `DEADLINE_EXCEEDED`).
    public var code: String?

    public init(provider: Provider, httpStatus: Int? = nil, code: String? = nil) {
        self.provider = provider
        self.httpStatus = httpStatus
        self.code = code
    }
}

/// The pure classification of RUNTIME.md §14 step 5: the terminal class an image operation ends with.
public enum ImageOperationClassifier {
    /// Classifies an observation. `providerText` is the text the provider sent instead of an image (kept for
    /// `empty_result`; a refusal is recognised from the provider's code, not from free text).
    public static func classify(_ observation: ImageOperationObservation, providerText: String?)
        -> ImageOperationTerminalClass
    {
        switch observation {
        case .generated: return .generated
        case .emptyResult: return .emptyResult
        case .executionFailed, .blobCommitFailed: return .failed
        case .providerError(let error): return classify(error)
        }
    }

    static func classify(_ error: ImageProviderError) -> ImageOperationTerminalClass {
        let code = error.code?.lowercased() ?? ""
        if error.httpStatus == 408 || error.httpStatus == 504 { return .timeout }
        if error.provider == .gemini, code == "deadline_exceeded" { return .timeout }
        if error.httpStatus == 499 { return .cancelled }
        switch error.provider {
        case .openai:
            if code == "content_policy_violation" || code == "content_filter" || code == "moderation_blocked" {
                return .safetyFiltered
            }
            if code == "refusal" || code == "model_refusal" { return .refusedByProvider }
        case .gemini:
            if ["safety", "image_safety", "blocklist", "prohibited_content", "spii"].contains(code) {
                return .safetyFiltered
            }
            if code == "refusal" || code == "recitation" || code == "other" { return .refusedByProvider }
        case .other:
            break
        }
        return .failed
    }
}

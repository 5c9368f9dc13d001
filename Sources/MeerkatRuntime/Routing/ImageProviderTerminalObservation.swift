/// The provider-side error code an image operation observed, reduced to what classification distinguishes
/// (RUNTIME.md §14 step 5).
public enum ImageProviderErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI content policy / moderation block (`moderation_blocked`, `content_policy_violation`).
    case openAIContentFilter = "openai_content_filter"
    /// Gemini safety block (`promptFeedback.blockReason`, finish reason `SAFETY`, `IMAGE_SAFETY`, ...).
    case geminiSafety = "gemini_safety"
    /// The OpenAI model declined to draw.
    case openAIRefusal = "openai_refusal"
    /// The Gemini model declined to draw (finish reason `NO_IMAGE`, `IMAGE_OTHER`, ...).
    case geminiRefusal = "gemini_refusal"
    /// Gemini `DEADLINE_EXCEEDED`.
    case geminiDeadline = "gemini_deadline"
    /// Anything else.
    case unknown
}

/// What the image tool observed at the end of the provider call and blob commit, before classification.
public enum ImageProviderTerminalObservation: Sendable, Hashable {
    /// At least one image was produced and committed.
    case generated
    /// The provider answered without an image.
    case emptyResult
    /// The call could not be made or failed below the provider protocol (no HTTP answer, bad request, bad body).
    case executionFailed
    /// The images arrived but storing them failed.
    case blobCommitFailed
    /// The provider answered with an HTTP error (`status` nil when the status is not known).
    case providerHTTPError(status: Int?, code: ImageProviderErrorCode)
    /// The provider reported an error inside a successful HTTP answer (Gemini finish/block reasons).
    case providerNativeError(code: ImageProviderErrorCode)
}

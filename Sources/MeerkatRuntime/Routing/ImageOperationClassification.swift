/// The pure classification of an image operation's terminal (RUNTIME.md §14 step 5): which
/// `ImageOperationTerminalClass` an observation ends in. The result is what the tool passes to
/// `complete_image_operation`.
public enum ImageOperationTerminalClassifier {
    /// Classifies `observation`.
    ///
    /// `generated` → generated; `empty_result` → empty_result; `execution_failed` / `blob_commit_failed` → failed;
    /// a provider HTTP or native error: status 408/504 or a Gemini deadline → timeout; HTTP 499 → cancelled;
    /// an OpenAI content filter or Gemini safety block → safety_filtered; an OpenAI/Gemini model refusal →
    /// refused_by_provider; anything else → failed.
    public static func classify(_ observation: ImageProviderTerminalObservation) -> ImageOperationTerminalClass {
        switch observation {
        case .generated:
            return .generated
        case .emptyResult:
            return .emptyResult
        case .executionFailed, .blobCommitFailed:
            return .failed
        case .providerHTTPError(let status, let code):
            if status == 408 || status == 504 { return .timeout }
            if status == 499 { return .cancelled }
            return classify(code)
        case .providerNativeError(let code):
            return classify(code)
        }
    }

    private static func classify(_ code: ImageProviderErrorCode) -> ImageOperationTerminalClass {
        switch code {
        case .geminiDeadline: .timeout
        case .openAIContentFilter, .geminiSafety: .safetyFiltered
        case .openAIRefusal, .geminiRefusal: .refusedByProvider
        case .unknown: .failed
        }
    }
}

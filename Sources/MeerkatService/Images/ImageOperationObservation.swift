public import MeerkatProviders
public import MeerkatRuntime

/// How an image client's typed error reads as a §14 terminal observation (the input of
/// `ImageOperationTerminalClassifier`).
extension ImageGenerationError {
    /// The observation this error stands for.
    public var terminalObservation: ImageProviderTerminalObservation {
        switch kind {
        case .contentFilter:
            return .providerHTTPError(status: httpStatus, code: .openAIContentFilter)
        case .safetyBlock:
            return nativeOrHTTP(.geminiSafety)
        case .modelRefusal:
            return nativeOrHTTP(provider == .gemini ? .geminiRefusal : .openAIRefusal)
        case .emptyResult:
            return .emptyResult
        case .timeout:
            // A deadline the client itself enforced is the request timing out: 408 says exactly that.
            let code: ImageProviderErrorCode =
                provider == .gemini && (httpStatus == nil || providerCode == "deadline_exceeded")
                ? .geminiDeadline : .unknown
            return .providerHTTPError(status: httpStatus ?? 408, code: code)
        case .cancelled:
            // The caller closed the request before an answer: nginx's 499 "client closed request".
            return .providerHTTPError(status: httpStatus ?? 499, code: .unknown)
        case .http:
            return .providerHTTPError(status: httpStatus, code: .unknown)
        case .transport, .invalidRequest, .malformedResponse:
            return .executionFailed
        }
    }

    private func nativeOrHTTP(_ code: ImageProviderErrorCode) -> ImageProviderTerminalObservation {
        if let httpStatus, !(200..<300).contains(httpStatus) {
            return .providerHTTPError(status: httpStatus, code: code)
        }
        return .providerNativeError(code: code)
    }
}

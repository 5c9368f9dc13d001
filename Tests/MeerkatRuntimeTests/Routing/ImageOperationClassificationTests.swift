import MeerkatRuntime
import Testing

/// Every row of RUNTIME.md §14 step 5.
@Suite struct ImageOperationClassificationTests {
    typealias Row = (ImageProviderTerminalObservation, ImageOperationTerminalClass)

    static let rows: [Row] = [
        (.generated, .generated),
        (.emptyResult, .emptyResult),
        (.executionFailed, .failed),
        (.blobCommitFailed, .failed),
        // HTTP status rules win over codes.
        (.providerHTTPError(status: 408, code: .unknown), .timeout),
        (.providerHTTPError(status: 504, code: .unknown), .timeout),
        (.providerHTTPError(status: 504, code: .openAIContentFilter), .timeout),
        (.providerHTTPError(status: 499, code: .unknown), .cancelled),
        (.providerHTTPError(status: 499, code: .geminiRefusal), .cancelled),
        // Gemini deadline, as HTTP or native.
        (.providerHTTPError(status: 500, code: .geminiDeadline), .timeout),
        (.providerNativeError(code: .geminiDeadline), .timeout),
        // Content filter / safety.
        (.providerHTTPError(status: 400, code: .openAIContentFilter), .safetyFiltered),
        (.providerHTTPError(status: 400, code: .geminiSafety), .safetyFiltered),
        (.providerNativeError(code: .geminiSafety), .safetyFiltered),
        (.providerNativeError(code: .openAIContentFilter), .safetyFiltered),
        // Model refusal.
        (.providerHTTPError(status: 400, code: .openAIRefusal), .refusedByProvider),
        (.providerNativeError(code: .geminiRefusal), .refusedByProvider),
        (.providerNativeError(code: .openAIRefusal), .refusedByProvider),
        // Everything else fails.
        (.providerHTTPError(status: 500, code: .unknown), .failed),
        (.providerHTTPError(status: 401, code: .unknown), .failed),
        (.providerHTTPError(status: nil, code: .unknown), .failed),
        (.providerNativeError(code: .unknown), .failed),
    ]

    @Test(arguments: rows.indices) func row(_ index: Int) {
        let (observation, expected) = Self.rows[index]
        #expect(ImageOperationTerminalClassifier.classify(observation) == expected, "\(observation)")
    }

    @Test func everyCodeIsCovered() {
        for code in ImageProviderErrorCode.allCases {
            #expect(
                Self.rows.contains { row in
                    if case .providerNativeError(let covered) = row.0 { covered == code } else { false }
                }, "\(code)")
        }
    }
}

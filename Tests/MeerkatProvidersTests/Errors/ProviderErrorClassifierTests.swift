import Foundation
import MeerkatCore
import MeerkatProviders
import NIOCore
import NIOHTTP1
import Testing

@Suite struct ProviderErrorClassifierTests {
    private func classify(_ status: Int, _ body: String, headers: [(String, String)] = [], now: Date = Date())
        -> LLMError
    {
        ProviderErrorClassifier.classify(
            status: status, headers: HTTPHeaders(headers), body: Array(body.utf8), now: now)
    }

    @Test func retryAfterHeaderForms() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after-ms", "1500")])) == .milliseconds(1500))
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "2")])) == .seconds(2))
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "0.5")])) == .milliseconds(500))
        // retry-after-ms wins over retry-after.
        #expect(
            RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "9"), ("retry-after-ms", "100")]))
                == .milliseconds(100))
        let date = "Tue, 14 Nov 2023 22:13:40 GMT"  // now + 20 s
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after", date)]), now: now) == .seconds(20))
        #expect(
            RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "Tue, 14 Nov 2023 22:00:00 GMT")]), now: now)
                == .zero)
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "soon")])) == nil)
        #expect(RetryHint.retryAfter(from: HTTPHeaders([("retry-after", "-3")])) == nil)
        #expect(RetryHint.protobufDuration("46s") == .seconds(46))
        #expect(RetryHint.protobufDuration("1.5s") == .milliseconds(1500))
        #expect(RetryHint.protobufDuration("5m") == nil)
    }

    @Test func shouldRetryHeaderOverridesTheStatus() {
        let forced = classify(
            400, #"{"error":{"message":"x","type":"invalid_request_error"}}"#, headers: [("x-should-retry", "true")])
        #expect(forced.kind == .invalidRequest)
        #expect(forced.isRetryable)
        let vetoed = classify(
            500, #"{"error":{"message":"x","type":"server_error"}}"#, headers: [("x-should-retry", "false")])
        #expect(!vetoed.isRetryable)
    }

    @Test func statusTable() {
        let cases: [(Int, LLMError.Kind, Bool)] = [
            (400, .invalidRequest, false), (401, .authenticationFailed, false), (402, .quotaExceeded, false),
            (403, .authenticationFailed, false), (404, .modelNotFound, false), (408, .networkTimeout, true),
            (409, .serverError, true), (413, .requestTooLarge, false), (422, .invalidRequest, false),
            (429, .rateLimited, true), (500, .serverError, true), (502, .serverError, true),
            (503, .serverOverloaded, true), (504, .serverError, true), (529, .serverOverloaded, true),
        ]
        for (status, kind, retryable) in cases {
            let error = classify(status, "")
            #expect(error.kind == kind, "\(status)")
            #expect(error.isRetryable == retryable, "\(status)")
            #expect(error.status == status)
        }
    }

    @Test func quotaAndBillingFailuresAreNotRetryable() {
        let openAI = classify(
            429, #"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
            headers: [("retry-after", "5")])
        #expect(openAI.kind == .quotaExceeded)
        #expect(!openAI.isRetryable)
        #expect(openAI.retryAfter == nil)
        let perDay = classify(
            429,
            #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"quota","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"60s"}]}}"#
        )
        #expect(perDay.kind == .quotaExceeded)
        let perMinute = classify(
            429,
            #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"quota","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"46s"}]}}"#
        )
        #expect(perMinute.kind == .rateLimited)
        #expect(perMinute.retryAfter == .seconds(46))
        let spend = classify(
            429,
            #"{"type":"error","error":{"type":"rate_limit_error","message":"limit","details":{"error_code":"enforced_spend_limit_reached"}}}"#
        )
        #expect(spend.kind == .quotaExceeded)
    }

    @Test func contentBasedKindsBeatTheStatus() {
        #expect(
            classify(
                400,
                #"{"error":{"message":"prompt is too long: 300000 tokens > 200000 maximum","type":"invalid_request_error"}}"#
            ).kind == .contextLengthExceeded)
        #expect(
            classify(
                400,
                #"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#
            ).kind
                == .contextLengthExceeded)
        #expect(classify(400, #"{"error":{"code":"content_filter","message":"filtered"}}"#).kind == .contentFiltered)
        #expect(
            classify(
                400,
                #"{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"API key not valid.","details":[{"reason":"API_KEY_INVALID"}]}}"#
            ).kind == .invalidAPIKey)
        #expect(
            classify(401, #"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"#)
                .kind == .invalidAPIKey)
    }

    @Test func inBandShapesOfEveryServer() {
        func inBand(_ text: String) -> LLMError? {
            ProviderErrorClassifier.classifyInBand(try! JSONValue.parse(text))
        }
        #expect(
            inBand(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)?.kind
                == .serverOverloaded)
        #expect(inBand(#"{"error":{"message":"m","type":"server_error","code":"server_error"}}"#)?.kind == .serverError)
        #expect(
            inBand(#"{"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null}"#)?.kind
                == .rateLimited)
        #expect(
            inBand(#"{"object":"error","message":"boom","type":"InternalServerError","code":500}"#)?.kind
                == .serverError)
        #expect(
            inBand(
                #"{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}"#
            )?.kind == .contextLengthExceeded)
        #expect(
            inBand(#"{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}"#)?.kind == .serverOverloaded)
        #expect(inBand(#"{"error":{"message":"model not found","type":"not_found_error"}}"#)?.kind == .modelNotFound)
        #expect(inBand(#"{"error":{"message":"weird","type":"something_new"}}"#)?.kind == .unknown)
        #expect(inBand(#"{"choices":[],"usage":null}"#) == nil)
        #expect(inBand(#"{"type":"mystery_event","unknown_field":true}"#) == nil)
    }

    @Test func messagesComeFromTheBody() {
        #expect(
            classify(500, #"{"error":{"message":"The server had an error."}}"#).message == "The server had an error.")
        #expect(classify(401, #"{"error":"Unauthorized"}"#).message == "Unauthorized")
        #expect(classify(500, "").message == "HTTP 500 Internal Server Error with an empty body")
        #expect(
            classify(503, "upstream connect error").message == "HTTP 503 Service Unavailable: upstream connect error")
    }
}

@Suite struct ProviderErrorTextTests {
    @Test func providerTextIsCutToOneBalancedLine() {
        #expect(
            ProviderErrorClassifier.oneLine("first line\nTraceback (most recent call last):\n  File x") == "first line")
        #expect(
            ProviderErrorClassifier.oneLine("reset (error set): refused) (errno: 111)")
                == "reset (error set): refused (errno: 111)")
        #expect(ProviderErrorClassifier.oneLine("open (paren") == "open (paren)")
        #expect(ProviderErrorClassifier.oneLine(String(repeating: "x", count: 400)).count == 301)
    }

    @Test func aServerErrorThatSaysTheRequestIsInvalidIsNotRetried() {
        let body =
            #"{"error":{"message":"1 validation error for Request\nInput should be 'json_object'","type":"internal_server_error"}}"#
        let error = ProviderErrorClassifier.classify(status: 500, headers: [:], body: Array(body.utf8))
        #expect(error.kind == .invalidRequest && !error.isRetryable)
        #expect(error.message == "1 validation error for Request")
        let plain = ProviderErrorClassifier.classify(
            status: 500, headers: [:], body: Array(#"{"error":{"message":"boom","type":"server_error"}}"#.utf8))
        #expect(plain.kind == .serverError && plain.isRetryable)
    }

    @Test func aRefusedConnectionNamesTheOriginAndIsRetriedOnce() {
        let error = ProviderErrorClassifier.classify(
            transportError: IOError(errnoCode: ECONNREFUSED, reason: "connect"), afterResponseHead: false,
            url: "http://127.0.0.1:9/v1/responses")
        #expect(error.message == "cannot connect to http://127.0.0.1:9 (connection refused)")
        #expect(error.maxRetries == 1 && error.isRetryable)
    }
}

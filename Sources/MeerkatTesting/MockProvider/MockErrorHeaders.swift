import Foundation

/// Header and body pieces several dialects share.
enum MockErrorHeaders {
    /// The retry hint headers of a 429.
    static func retry(_ hint: MockError.RetryAfter, shouldRetry: Bool?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        switch hint {
        case .seconds(let seconds): headers.append(("retry-after", "\(seconds)"))
        case .milliseconds(let millis): headers.append(("retry-after-ms", "\(millis)"))
        case .httpDate(let date): headers.append(("retry-after", httpDate(date)))
        case .none: break
        }
        if let shouldRetry { headers.append(("x-should-retry", shouldRetry ? "true" : "false")) }
        return headers
    }

    /// An IMF-fixdate.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// What a proxy in front of the API sends on a 502.
    static let htmlBadGateway = MockResponsePlan.body(
        status: 502,
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
            + "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n",
        contentType: "text/html")
}

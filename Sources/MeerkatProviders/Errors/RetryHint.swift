public import Foundation
public import NIOHTTP1

/// Reads the provider's "when to retry" and "whether to retry" hints (PROVIDERS.md §6).
public enum RetryHint {
    /// The delay the server asked for: `retry-after-ms` (milliseconds), else `retry-after` (seconds or an
    /// HTTP date, measured from `now`). Negative or unparsable values give nil.
    public static func retryAfter(from headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let text = headers.first(name: "retry-after-ms")?.trimmingCharacters(in: .whitespaces),
            let millis = Double(text), millis.isFinite, millis >= 0
        {
            return .milliseconds(Int64(millis.rounded()))
        }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !text.isEmpty
        else { return nil }
        if let seconds = Double(text) {
            return seconds.isFinite && seconds >= 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : nil
        }
        guard let date = parseHTTPDate(text) else { return nil }
        let interval = date.timeIntervalSince(now)
        return .milliseconds(Int64((max(0, interval) * 1000).rounded()))
    }

    /// `x-should-retry: true|false`, which overrides the status-based decision.
    public static func shouldRetry(from headers: HTTPHeaders) -> Bool? {
        switch headers.first(name: "x-should-retry")?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// A protobuf duration string such as `46s` or `1.5s` (Gemini `RetryInfo.retryDelay`).
    public static func protobufDuration(_ text: String) -> Duration? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0 else {
            return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Parses the three HTTP date forms of RFC 9110 (IMF-fixdate first).
    static func parseHTTPDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

import Foundation

/// Human-readable durations: `"500ms"`, `"30s"`, `"10m"`, `"4h"`, `"1h30m"`, `"2d"`; `"disabled"` means none.
public enum DurationText {
    /// Parses a duration; nil for `"disabled"`. Throws a message naming the accepted forms.
    public static func parse(_ text: String) throws(DurationTextError) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "disabled" || trimmed == "off" || trimmed == "none" { return nil }
        guard !trimmed.isEmpty else { throw DurationTextError(text) }
        var total: Duration = .zero
        var number = ""
        var unit = ""
        func flush() throws(DurationTextError) {
            guard let value = Double(number), value >= 0 else { throw DurationTextError(text) }
            let seconds: Double
            switch unit {
            case "ms": seconds = value / 1000
            case "s", "sec", "secs": seconds = value
            case "m", "min", "mins": seconds = value * 60
            case "h", "hr", "hrs": seconds = value * 3600
            case "d": seconds = value * 86400
            default: throw DurationTextError(text)
            }
            total += .milliseconds(Int64((seconds * 1000).rounded()))
            number = ""
            unit = ""
        }
        for character in trimmed where character != " " {
            if character.isNumber || character == "." {
                if !unit.isEmpty { try flush() }
                number.append(character)
            } else {
                guard !number.isEmpty else { throw DurationTextError(text) }
                unit.append(character)
            }
        }
        guard !number.isEmpty, !unit.isEmpty else { throw DurationTextError(text) }
        try flush()
        return total
    }

    /// The shortest exact text for a duration (`"500ms"`, `"30s"`, `"10m"`, `"4h"`), or `"disabled"`.
    public static func format(_ duration: Duration?) -> String {
        guard let duration else { return "disabled" }
        let ms = duration.milliseconds
        if ms % 3_600_000 == 0, ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}

/// A duration text that does not parse.
public struct DurationTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var description: String {
        "'\(text)' is not a duration (use forms like \"500ms\", \"30s\", \"10m\", \"4h\", \"1h30m\" or \"disabled\")"
    }
}

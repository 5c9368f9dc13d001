public import Foundation
public import MeerkatCore

/// `datetime {}`: the current local date and time.
///
/// Returns a JSON object with `iso8601` (local time with offset), `date` (`YYYY-MM-DD`), `time` (`HH:MM:SS`),
/// `timezone` (IANA identifier), `utc_offset` (`+HH:MM`), `unix_timestamp` (seconds) and `weekday` (English name).
public struct DateTimeTool: Tool {
    private let now: @Sendable () -> Date
    private let timeZone: TimeZone

    /// A tool reading `now` in `timeZone` (defaults: the system clock and time zone).
    public init(timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.timeZone = timeZone
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.datetime.rawValue,
            description: """
                Get the current local date and time: ISO 8601 timestamp, date, time, time zone, UTC offset, \
                Unix timestamp and weekday.
                """,
            inputSchema: ToolSchema.object([:]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        _ = try ToolArguments(arguments, schema: definition.inputSchema)
        return .json(describe(now()))
    }

    /// The fields for `date`.
    func describe(_ date: Date) -> JSONValue {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let offsetSeconds = timeZone.secondsFromGMT(for: date)
        let sign = offsetSeconds < 0 ? "-" : "+"
        let offset = sign + Self.pad(abs(offsetSeconds) / 3600) + ":" + Self.pad(abs(offsetSeconds) % 3600 / 60)
        let day = "\(Self.pad(parts.year ?? 0, width: 4))-\(Self.pad(parts.month ?? 0))-\(Self.pad(parts.day ?? 0))"
        let time = "\(Self.pad(parts.hour ?? 0)):\(Self.pad(parts.minute ?? 0)):\(Self.pad(parts.second ?? 0))"
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        return [
            "iso8601": .string("\(day)T\(time)\(offset)"),
            "date": .string(day),
            "time": .string(time),
            "timezone": .string(timeZone.identifier),
            "utc_offset": .string(offset),
            "unix_timestamp": .number(date.timeIntervalSince1970.rounded(.down)),
            "weekday": .string(weekdays[((parts.weekday ?? 1) - 1) % 7]),
        ]
    }

    private static func pad(_ value: Int, width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

import Foundation

/// The wire's timestamp text, `YYYY-MM-DDTHH:MM:SS.mmmZ`, formatted and parsed by arithmetic on the civil calendar.
///
/// Every stored row, event and envelope carries timestamps, and Foundation's `ISO8601FormatStyle` (with a time zone
/// lookup per call) was a large share of a row's encoding cost. These functions handle the one shape the project
/// writes (years 1600–9999, UTC, milliseconds; Foundation's calendar is Julian before 1582, so earlier dates stay
/// with it); anything else is left to Foundation by the callers, so results are
/// identical to what `ISO8601FormatStyle` produces (a differential test holds them together).
enum RFC3339 {
    /// The text of `milliseconds` since 1970, or nil outside years 1600–9999.
    static func format(millisecondsSince1970 total: Int64) -> String? {
        let (seconds, millisecond) = floorDivision(total, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        guard (1600...9999).contains(year) else { return nil }
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let second = secondOfDay % 60
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int64, digits: Int, at offset: Int) {
                var rest = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                    rest /= 10
                }
            }
            put(year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(hour, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(minute, digits: 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(second, digits: 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(millisecond, digits: 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The milliseconds since 1970 of `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.mmmZ` (the shapes the project
    /// writes), or nil for any other text.
    static func parseMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard bytes.count == 20 || bytes.count == 24, bytes[bytes.count - 1] == UInt8(ascii: "Z") else {
                return nil
            }
            func number(_ offset: Int, _ digits: Int) -> Int64? {
                var value: Int64 = 0
                for index in offset..<(offset + digits) {
                    let digit = bytes[index] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                let year = number(0, 4), year >= 1600, let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
                second < 60
            else { return nil }
            var millisecond: Int64 = 0
            if bytes.count == 24 {
                guard bytes[19] == UInt8(ascii: "."), let fraction = number(20, 3) else { return nil }
                millisecond = fraction
            }
            let days = Self.days(fromCivil: year, month: month, day: day)
            return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) + millisecond
        }
    }

    /// The date of a text `parseMilliseconds` reads, built the way Foundation's parser builds it (whole seconds since
    /// 2001 plus the fraction), so the two give the same `Date`, bit for bit.
    static func parse(_ text: String) -> Date? {
        guard let total = parseMilliseconds(text) else { return nil }
        let (seconds, millisecond) = floorDivision(total, 1000)
        return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(millisecond) / 1000)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }

    private static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// (year, month, day) → days since 1970-01-01 (`days_from_civil`).
    static func days(fromCivil year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjusted = month <= 2 ? year - 1 : year
        let era = (adjusted >= 0 ? adjusted : adjusted - 399) / 400
        let yearOfEra = adjusted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

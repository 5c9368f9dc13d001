/// Renders values for violation and schema-error messages.
enum SchemaText {
    /// A number as JSON would write it: `7`, not `7.0`.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Compact JSON for a value, shortened with `…` past `limit` characters so one huge value cannot flood a
    /// message.
    static func value(_ value: JSONValue, limit: Int = 80) -> String {
        let text: String
        switch value {
        case .number(let number): text = self.number(number)
        default: text = value.compactText()
        }
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// `1 item` / `2 items`.
    static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }

    /// `string`, `string or null`, `string, number or null`.
    static func alternatives(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }
}

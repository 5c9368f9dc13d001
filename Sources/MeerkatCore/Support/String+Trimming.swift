extension StringProtocol {
    /// The text without its leading and trailing whitespace and newlines: the characters Foundation's
    /// `.whitespacesAndNewlines` names (Unicode's White_Space, and U+200B, which Foundation counts too). Only the ends
    /// are looked at: Foundation's `trimmingCharacters(in:)` walked the whole text.
    public func trimmingWhitespace() -> SubSequence {
        let blank = { (character: Character) in character.isWhitespace || character == "\u{200B}" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}

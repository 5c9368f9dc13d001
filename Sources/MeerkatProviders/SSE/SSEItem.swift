/// What the SSE parser yields: events, plus the lines that carry no event but still matter.
public enum SSEItem: Sendable, Hashable {
    /// A dispatched event.
    case event(SSEEvent)
    /// A comment line (`: ping`); carries no data but proves the connection is alive.
    case comment(String)
    /// A field the SSE spec ignores (anything but `data`/`event`/`id`/`retry`). llama.cpp reports errors
    /// as `error: {...}` lines, so the parser surfaces them instead of dropping them silently.
    case unknownField(name: String, value: String)
}

import MeerkatCore
import Synchronization

/// The wire encoding of a conversation's transcript rows, kept between requests so that each request encodes only
/// the rows the previous one did not have.
///
/// A conversation grows by appending, and every request sends the whole transcript; encoding all of it on every call
/// was a per-turn cost that grew with the history. One client serves one agent (one session), so its previous
/// request's rows are almost always a prefix of the next one's: the shared prefix is found by comparing the messages
/// (cheap, since the values share their storage) and keeps its encoded fragments; only the rest is encoded and
/// remembered. Any difference (a compacted context, an edited or removed row) simply re-encodes from the first
/// differing row, so the body is always the one a fresh encoding would write. A `Fragment` is whatever a wire
/// builder needs per row (Chat Completions: the row's wire messages; Anthropic: its blocks and side;
/// Gemini: its parts, role and tool calls).
final class EncodedMessages<Fragment: Sendable>: Sendable {
    private struct State {
        var messages: [Message] = []
        var fragments: [Fragment] = []
    }

    private let state = Mutex(State())

    /// Runs `body` with the fragments of `messages`, encoding with `encode` only the rows after the prefix shared
    /// with the previous call.
    func withFragments<Result>(
        of messages: ArraySlice<Message>, encoding encode: (Message) throws(LLMError) -> Fragment,
        _ body: (ArraySlice<Fragment>) throws(LLMError) -> Result
    ) throws(LLMError) -> Result {
        try withFragments(of: messages, encoding: { (message, _) throws(LLMError) in try encode(message) }, body)
    }

    /// As above, for wires where a row's fragment depends on the rows before it (Gemini names a tool result after
    /// its call): `encode` also gets the fragments of the rows before the one it encodes. A fragment is kept only
    /// while every row before it is unchanged, so it is always what a fresh, in-order encoding would give.
    func withFragments<Result>(
        of messages: ArraySlice<Message>,
        encoding encode: (Message, _ before: ArraySlice<Fragment>) throws(LLMError) -> Fragment,
        _ body: (ArraySlice<Fragment>) throws(LLMError) -> Result
    ) throws(LLMError) -> Result {
        try state.withLock { (state: inout State) throws(LLMError) -> Result in
            let kept = messages.sharedPrefixCount(with: state.messages)
            if kept < state.messages.count {
                state.messages.removeSubrange(kept...)
                state.fragments.removeSubrange(kept...)
            }
            for message in messages.dropFirst(kept) {
                state.fragments.append(try encode(message, state.fragments[...]))
                state.messages.append(message)
            }
            return try body(state.fragments[...])
        }
    }
}

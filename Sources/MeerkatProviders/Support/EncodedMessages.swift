import MeerkatCore
import Synchronization

/// The wire encoding of a conversation's messages, kept between requests so that each request encodes only the
/// messages the previous one did not have.
///
/// A conversation grows by appending, and every request sends the whole transcript; encoding all of it on every call
/// was a per-turn cost that grew with the history. One client serves one agent (one session), so its previous
/// request's messages are almost always a prefix of the next one's: the shared prefix is found by comparing the
/// messages (cheap, since the values share their storage), its bytes are copied as they are, and only the rest is
/// encoded and remembered. Any difference (a compacted context, an edited or removed row) simply re-encodes from the
/// first differing message, so the body is always the one a fresh encoding would write.
final class EncodedMessages: Sendable {
    private struct State {
        var messages: [Message] = []
        /// `ends[i]`: the length of `bytes` after message `i` (a row that writes nothing adds nothing).
        var ends: [Int] = []
        /// The wire elements of `messages`, comma-separated, without brackets.
        var bytes: [UInt8] = []
    }

    private let state = Mutex(State())

    /// Writes the wire elements of `messages` into `out` (inside an array the caller opened), encoding with
    /// `encode` only the messages after the prefix shared with the previous call.
    func write(
        _ messages: [Message], to out: inout JSONBytesWriter,
        encoding encode: (Message, inout JSONBytesWriter) throws(LLMError) -> Void
    ) throws(LLMError) {
        try state.withLock { (state: inout State) throws(LLMError) in
            let kept = state.messages.sharedPrefixCount(with: messages)
            if kept < state.messages.count {
                state.messages.removeSubrange(kept...)
                state.ends.removeSubrange(kept...)
                state.bytes.removeSubrange((state.ends.last ?? 0)...)
            }
            for message in messages[kept...] {
                var fragment = JSONBytesWriter(capacity: 128)
                try encode(message, &fragment)
                if !fragment.bytes.isEmpty {
                    if !state.bytes.isEmpty { state.bytes.append(UInt8(ascii: ",")) }
                    state.bytes.append(contentsOf: fragment.bytes)
                }
                state.messages.append(message)
                state.ends.append(state.bytes.count)
            }
            out.encodedElements(state.bytes[...])
        }
    }
}

import Foundation
import MeerkatCore

/// One SSE event before framing.
struct MockSSEEvent: Sendable {
    /// The `event:` line, if any.
    var event: String?
    /// The payload (JSON text or `[DONE]`).
    var data: String
    /// The field that carries `data` (llama.cpp sends errors in a non-standard `error:` field).
    var field = "data"

    /// An event whose payload is `json`, encoded compactly.
    static func json(_ json: JSONValue, event: String? = nil) -> MockSSEEvent {
        MockSSEEvent(event: event, data: json.compactText())
    }
}

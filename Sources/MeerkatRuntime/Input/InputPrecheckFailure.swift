/// Input defects found before admission validation; surfaces report them as
/// `RuntimeDriverError.validationFailed` (RUNTIME.md §2.4, "other pre-checks").
public enum InputPrecheckFailure: Sendable, Hashable, Error, CustomStringConvertible {
    /// An external event's `payload` object has a `blocks` key; multimodal content belongs in the event's
    /// own `blocks` field.
    case externalEventPayloadContainsBlocks
    /// A prompt whose content is blank and which has no typed turn appends would run an empty turn.
    /// Injected context alone does not make a turn.
    case blankPrompt

    /// A stable code naming the rule.
    public var code: String {
        switch self {
        case .externalEventPayloadContainsBlocks: "external_event_payload_blocks"
        case .blankPrompt: "blank_prompt"
        }
    }

    public var description: String {
        switch self {
        case .externalEventPayloadContainsBlocks:
            "\(code): external_event payload must not contain a `blocks` key; put multimodal content in the "
                + "event's `blocks` field"
        case .blankPrompt:
            "\(code): prompt content is blank and no typed_turn_appends carry the turn"
        }
    }
}

/// How the mock answers one image-generation request. Queue them with `MockProviderServer.enqueueImages`; with an
/// empty queue the prompt decides (`MockImageBehaviour.rule(forPrompt:)`).
public enum MockImageBehaviour: Sendable, Hashable {
    /// One small valid PNG per requested image.
    case success
    /// The model declines: OpenAI HTTP 400 `image_generation_refused`; Gemini finish reason `NO_IMAGE` with text.
    case refusal
    /// A safety filter: OpenAI HTTP 400 `moderation_blocked`; Gemini finish reason `IMAGE_SAFETY`.
    case safetyFilter
    /// The prompt itself is blocked: OpenAI as `safetyFilter`; Gemini `promptFeedback.blockReason`
    /// `PROHIBITED_CONTENT` and no candidates.
    case promptBlocked
    /// The provider times out with this HTTP status (408 or 504; Gemini says `DEADLINE_EXCEEDED`).
    case timeout(status: Int)
    /// The response never arrives (not even its head) until the client gives up.
    case stall
    /// A successful answer without an image: OpenAI `data: []`; Gemini a text-only candidate with `text`.
    case emptyResult(text: String?)

    /// The rule-mode behaviour for a prompt: `[refuse]`, `[unsafe]`, `[blocked]`, `[timeout]`, `[stall]` or
    /// `[empty]` anywhere in the prompt selects that behaviour; anything else succeeds.
    public static func rule(forPrompt prompt: String) -> MockImageBehaviour {
        let lowered = prompt.lowercased()
        if lowered.contains("[refuse]") { return .refusal }
        if lowered.contains("[unsafe]") { return .safetyFilter }
        if lowered.contains("[blocked]") { return .promptBlocked }
        if lowered.contains("[timeout]") { return .timeout(status: 504) }
        if lowered.contains("[stall]") { return .stall }
        if lowered.contains("[empty]") { return .emptyResult(text: "I can only describe it in words.") }
        return .success
    }
}

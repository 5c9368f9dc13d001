/// One image-generation call.
public struct ImageGenerationRequest: Sendable, Hashable {
    /// The provider's model id (`gpt-image-1`, `gemini-2.5-flash-image`, ...).
    public var model: String
    /// What to draw.
    public var prompt: String
    /// `WIDTHxHEIGHT` (`1024x1024`) or an aspect ratio (`16:9`); nil lets the provider choose.
    public var size: String?
    /// How many images (≥ 1).
    public var count: Int

    /// Creates a request.
    public init(model: String, prompt: String, size: String? = nil, count: Int = 1) {
        self.model = model
        self.prompt = prompt
        self.size = size
        self.count = count
    }
}

public import Foundation

/// One generated image: its bytes and media type.
public struct GeneratedImage: Sendable, Hashable {
    /// The decoded image bytes.
    public var data: Data
    /// `image/png`, `image/jpeg`, `image/webp`.
    public var mediaType: String

    /// Creates an image.
    public init(data: Data, mediaType: String) {
        self.data = data
        self.mediaType = mediaType
    }
}

/// What a successful image-generation call produced: at least one image.
public struct ImageGenerationResult: Sendable, Hashable {
    /// The images, in the provider's order (never empty; an empty answer is `ImageGenerationError.emptyResult`).
    public var images: [GeneratedImage]
    /// Text the provider returned beside the images (Gemini text parts), if any.
    public var providerText: String?
    /// The prompt the provider actually used, when it rewrote it (`revised_prompt`).
    public var revisedPrompt: String?

    /// Creates a result.
    public init(images: [GeneratedImage], providerText: String? = nil, revisedPrompt: String? = nil) {
        self.images = images
        self.providerText = providerText
        self.revisedPrompt = revisedPrompt
    }
}

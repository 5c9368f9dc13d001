public import MeerkatCore

/// Generates images from a text prompt with one provider's image API.
///
/// Implementations make exactly one HTTP call per `generate`, honour task cancellation (the HTTP request is
/// cancelled and `.cancelled` thrown) and report every failure as a typed `ImageGenerationError` that carries what
/// the image-operation classification needs (RUNTIME.md §14 step 5).
public protocol ImageGenerationClient: Sendable {
    /// The provider the client talks to.
    var provider: ProviderKind { get }
    /// Generates the images `request` asks for.
    func generate(_ request: ImageGenerationRequest) async throws(ImageGenerationError) -> ImageGenerationResult
}

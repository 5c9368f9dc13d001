import Foundation
import MeerkatCore

/// Request validation and media-type helpers shared by the image clients.
enum ImageRequestCheck {
    /// Most images one call may ask for (OpenAI's limit; Gemini answers one candidate per call here).
    static let maxCount = 10

    static func validate(_ request: ImageGenerationRequest, provider: ProviderKind) throws(ImageGenerationError) {
        func invalid(_ message: String) -> ImageGenerationError {
            ImageGenerationError(.invalidRequest, provider: provider, message: message)
        }
        if request.model.isEmpty { throw invalid("model: must not be empty") }
        if request.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw invalid("prompt: must not be empty")
        }
        if !(1...maxCount).contains(request.count) {
            throw invalid("count: must be 1...\(maxCount), got \(request.count)")
        }
    }

    /// The media type of an `output_format` / `mimeType` name.
    static func mediaType(ofFormat format: String) -> String {
        switch format.lowercased() {
        case "jpeg", "jpg": "image/jpeg"
        case "webp": "image/webp"
        default: "image/png"
        }
    }

    /// The media type the bytes' signature names, when it is one of the image formats the providers return.
    static func sniffMediaType(_ bytes: Data) -> String? {
        let head = [UInt8](bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.count >= 12, head[0...3] == [0x52, 0x49, 0x46, 0x46], head[8...11] == [0x57, 0x45, 0x42, 0x50] {
            return "image/webp"
        }
        return nil
    }
}

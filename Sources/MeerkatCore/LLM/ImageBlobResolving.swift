public import Foundation

/// Turns an image blob reference (`image{source: blob{blob_id}}`, as a store that externalises images loads them)
/// back into bytes. The agent resolves every blob image of a request through it just before the request is sent, so
/// a transcript stays small in memory and in history reads while every provider still receives the image.
public protocol ImageBlobResolving: Sendable {
    /// The bytes of blob `id`, or nil when the blob does not exist.
    func imageData(blobID: String) throws -> Data?
}

extension LLMRequest {
    /// True when some message carries an image by blob reference.
    var hasBlobImages: Bool {
        messages.contains { message in
            switch message {
            case .system, .assistant: false
            case .user(let content, _, _): content.contains(where: \.isBlobImage)
            case .systemNotice(_, let blocks, _): blocks.contains(where: \.isBlobImage)
            case .toolResults(let results, _): results.contains { $0.content.contains(where: \.isBlobImage) }
            }
        }
    }

    /// This request with every blob image replaced by its inline bytes. A missing or unreadable blob is an error
    /// naming it (a request must not silently lose an image the transcript shows).
    func resolvingBlobImages(with resolver: any ImageBlobResolving) throws(LLMError) -> LLMRequest {
        var resolved = self
        var cache: [String: String] = [:]
        func inline(_ blocks: [ContentBlock]) throws(LLMError) -> [ContentBlock] {
            guard blocks.contains(where: \.isBlobImage) else { return blocks }
            var out: [ContentBlock] = []
            out.reserveCapacity(blocks.count)
            for block in blocks {
                guard case .image(let mediaType, .blob(let id)) = block else {
                    out.append(block)
                    continue
                }
                if let base64 = cache[id] {
                    out.append(.image(mediaType: mediaType, source: .inline(data: base64)))
                    continue
                }
                let data: Data?
                do {
                    data = try resolver.imageData(blobID: id)
                } catch {
                    throw LLMError(.invalidInputShape, "image \(id) could not be read from the blob store: \(error)")
                }
                guard let data else {
                    throw LLMError(.invalidInputShape, "image \(id) is missing from the blob store")
                }
                let base64 = data.base64EncodedString()
                cache[id] = base64
                out.append(.image(mediaType: mediaType, source: .inline(data: base64)))
            }
            return out
        }
        for index in resolved.messages.indices {
            switch resolved.messages[index] {
            case .system, .assistant:
                continue
            case .user(let content, let role, let createdAt):
                resolved.messages[index] = .user(
                    content: try inline(content), transcriptRole: role, createdAt: createdAt)
            case .systemNotice(let kind, let blocks, let createdAt):
                resolved.messages[index] = .systemNotice(kind: kind, blocks: try inline(blocks), createdAt: createdAt)
            case .toolResults(let results, let createdAt):
                var out: [ToolResult] = []
                out.reserveCapacity(results.count)
                for var result in results {
                    result.content = try inline(result.content)
                    out.append(result)
                }
                resolved.messages[index] = .toolResults(results: out, createdAt: createdAt)
            }
        }
        return resolved
    }
}

extension ContentBlock {
    /// True for an image carried by blob reference.
    var isBlobImage: Bool {
        if case .image(_, .blob) = self { true } else { false }
    }
}

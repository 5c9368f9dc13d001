import Foundation
import MeerkatCore

/// Moves inline images of a message into the blob store, leaving `image{source: blob{blob_id}}` in the stored row,
/// so transcripts stay small and an image shared by many messages is stored once.
///
/// Loading does not inline them back: a loaded session carries blob references. The agent resolves them for each
/// model request through `ImageBlobResolving` (the realm's `BlobStore`); an export reads them with `BlobStore.get`. Inline data that is not valid base64 is kept inline
/// rather than lost.
enum MessageImages {
    /// The stored form of `message`. With a `store`, each inline image is written to it; without one the ids are
    /// only computed (to compare a caller's message with its stored form).
    static func externalised(_ message: Message, store: BlobStore?) throws(BlobStoreError) -> Message {
        switch message {
        case .system:
            return message
        case .assistant:
            return message  // assistant blocks carry no images
        case .systemNotice(let kind, let blocks, let createdAt):
            guard hasInlineImage(blocks) else { return message }
            return .systemNotice(kind: kind, blocks: try externalised(blocks, store: store), createdAt: createdAt)
        case .user(let content, let role, let createdAt):
            guard hasInlineImage(content) else { return message }
            return .user(content: try externalised(content, store: store), transcriptRole: role, createdAt: createdAt)
        case .toolResults(let results, let createdAt):
            guard results.contains(where: { hasInlineImage($0.content) }) else { return message }
            var stored: [ToolResult] = []
            for var result in results {
                result.content = try externalised(result.content, store: store)
                stored.append(result)
            }
            return .toolResults(results: stored, createdAt: createdAt)
        }
    }

    private static func hasInlineImage(_ blocks: [ContentBlock]) -> Bool {
        blocks.contains { block in
            if case .image(_, .inline) = block { true } else { false }
        }
    }

    private static func externalised(_ blocks: [ContentBlock], store: BlobStore?) throws(BlobStoreError)
        -> [ContentBlock]
    {
        var out: [ContentBlock] = []
        out.reserveCapacity(blocks.count)
        for block in blocks {
            guard case .image(let mediaType, .inline(let base64)) = block, let bytes = Data(base64Encoded: base64)
            else {
                out.append(block)
                continue
            }
            let id = try store?.put(bytes) ?? BlobStore.id(for: bytes)
            out.append(.image(mediaType: mediaType, source: .blob(blobID: id)))
        }
        return out
    }
}

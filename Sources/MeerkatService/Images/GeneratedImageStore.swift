import Foundation
public import MeerkatProviders
public import MeerkatSQLite

/// Where `generate_image` commits the bytes it produced before the image enters the transcript.
public protocol GeneratedImageStore: Sendable {
    /// Stores `image`; returns its content-addressed id (`sha256:<hex>`).
    func store(_ image: GeneratedImage) async throws -> String
}

/// Generated images in the realm's blob store (`blobs/`): the same content-addressed files the SQLite session store
/// points transcript images at, so the stored tool result references this blob.
public struct BlobImageStore: GeneratedImageStore {
    /// The realm's blob store.
    public let blobs: BlobStore

    /// Creates a store over `blobs`.
    public init(blobs: BlobStore) {
        self.blobs = blobs
    }

    public func store(_ image: GeneratedImage) async throws -> String {
        try blobs.put(image.data)
    }
}

/// Generated images kept in process memory, for realms of the `memory` backend (nothing is written to disk).
public actor InMemoryImageStore: GeneratedImageStore {
    private var images: [String: GeneratedImage] = [:]

    /// Creates an empty store.
    public init() {}

    public func store(_ image: GeneratedImage) async throws -> String {
        let id = BlobStore.id(for: image.data)
        images[id] = image
        return id
    }

    /// The image stored under `id`.
    public func image(_ id: String) -> GeneratedImage? { images[id] }

    /// How many distinct images are stored.
    public var count: Int { images.count }
}

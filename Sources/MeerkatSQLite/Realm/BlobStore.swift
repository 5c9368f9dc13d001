public import Foundation
public import MeerkatCore

/// Content-addressed blob storage under a realm's `blobs/` folder (images, large outputs).
///
/// Ids are `sha256:<64 lowercase hex>` of the content. A blob lives at `blobs/sha256/<first 2 hex>/<64 hex>`; the
/// fan-out keeps folders small. Writes go to a temporary file in `blobs/tmp/` that is flushed and then renamed into
/// place, so a reader never sees a partial blob and a crash leaves at most a stray temporary file.
public struct BlobStore: Sendable {
    /// The `blobs/` folder.
    public let directory: URL

    /// A store rooted at `directory` (created on first write).
    public init(directory: URL) {
        self.directory = directory
    }

    /// The id of `data` (nothing is written).
    public static func id(for data: Data) -> String {
        "sha256:" + SHA256.hex(data)
    }

    /// True when `id` is a well-formed blob id.
    public static func isValidID(_ id: String) -> Bool {
        hexPart(of: id) != nil
    }

    /// Stores `data` and returns its id. Storing the same content twice writes it once.
    @discardableResult
    public func put(_ data: Data) throws(BlobStoreError) -> String {
        let id = Self.id(for: data)
        let target = try url(for: id)
        if FileManager.default.fileExists(atPath: target.path) { return id }
        let temporaryFolder = directory.appendingPathComponent("tmp", isDirectory: true)
        try makeFolder(temporaryFolder)
        try makeFolder(target.deletingLastPathComponent())
        let temporary = temporaryFolder.appendingPathComponent(UUID().uuidString.lowercased())
        do {
            // `.atomic` would write its own temporary beside the target; writing ours and renaming gives the same
            // guarantee while keeping stray files out of the fan-out folders. Flushing before the rename makes the
            // blob durable before any row can reference it.
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw BlobStoreError.io(path: temporary.path, detail: "cannot create file")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as BlobStoreError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: temporary.path, detail: "\(error)")
        }
        if rename(temporary.path, target.path) != 0 {
            let detail = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: target.path, detail: detail)
        }
        return id
    }

    /// The blob's bytes (verified against the id), or nil when it does not exist.
    public func get(_ id: String) throws(BlobStoreError) -> Data? {
        let target = try url(for: id)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: target)
        } catch {
            throw .io(path: target.path, detail: "\(error)")
        }
        guard Self.id(for: data) == id else { throw .corrupt(path: target.path, id: id) }
        return data
    }

    /// True when the blob exists.
    public func exists(_ id: String) throws(BlobStoreError) -> Bool {
        FileManager.default.fileExists(atPath: try url(for: id).path)
    }

    /// The file of a blob id.
    public func url(for id: String) throws(BlobStoreError) -> URL {
        guard let hex = Self.hexPart(of: id) else { throw .invalidID(id) }
        return directory.appendingPathComponent("sha256", isDirectory: true)
            .appendingPathComponent(String(hex.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(hex))
    }

    private static func hexPart(of id: String) -> Substring? {
        guard id.hasPrefix("sha256:") else { return nil }
        let hex = id.dropFirst("sha256:".count)
        let valid =
            hex.utf8.count == 64
            && hex.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        return valid ? hex : nil
    }

    private func makeFolder(_ url: URL) throws(BlobStoreError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .io(path: url.path, detail: "\(error)")
        }
    }
}

/// The realm's blob store resolves the image references its SQLite session store writes.
extension BlobStore: ImageBlobResolving {
    public func imageData(blobID: String) throws -> Data? {
        try get(blobID)
    }
}

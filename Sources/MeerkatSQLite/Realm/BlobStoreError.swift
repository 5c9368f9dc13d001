/// Why a blob operation failed. Every case names the blob id or path involved.
public enum BlobStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The id is not `sha256:<64 lowercase hex>`.
    case invalidID(String)
    /// Reading or writing the blob file failed.
    case io(path: String, detail: String)
    /// The stored bytes no longer hash to the blob's id.
    case corrupt(path: String, id: String)

    public var description: String {
        switch self {
        case .invalidID(let id): "invalid blob id '\(id)' (expected sha256:<64 hex>)"
        case .io(let path, let detail): "blob I/O error at \(path): \(detail)"
        case .corrupt(let path, let id): "blob \(path) does not match its id \(id)"
        }
    }
}

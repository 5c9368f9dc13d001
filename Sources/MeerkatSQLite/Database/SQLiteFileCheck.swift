import Foundation

/// Cheap checks of a database file's header before SQLite opens it, so a damaged file is reported as such (with
/// its path) instead of surfacing later as an opaque error, and so a lost database is never silently re-created.
enum SQLiteFileCheck {
    private static let magic = Array("SQLite format 3\0".utf8)

    /// Throws when the file is present but not a whole SQLite database, or when it is missing or empty although
    /// the manifest says it was already migrated.
    static func check(path: String, manifestVersion: Int) throws(RealmError) {
        let manager = FileManager.default
        let walSize = (try? manager.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if manifestVersion > 0 {
                throw .corrupt(
                    path: path,
                    detail: "the database file is missing but the manifest records schema version \(manifestVersion)")
            }
            return
        }
        if isDirectory.boolValue { throw .io(path: path, detail: "is a directory, expected a database file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, detail: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        if size == 0 {
            // An empty file is a database SQLite has not written yet; a non-empty WAL still holds its content.
            if manifestVersion > 0 && walSize == 0 {
                throw .corrupt(
                    path: path,
                    detail: "the database file is empty but the manifest records schema version \(manifestVersion)")
            }
            return
        }
        guard header.count == 100 else {
            throw .corrupt(path: path, detail: "truncated: \(size) bytes, shorter than the 100-byte SQLite header")
        }
        guard Array(header[0..<16]) == magic else {
            throw .corrupt(path: path, detail: "not a SQLite database (bad header)")
        }
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw .corrupt(path: path, detail: "invalid page size \(rawPageSize) in the header")
        }
        // The in-header page count is only authoritative when its "version valid for" stamp matches the change
        // counter (file format §1.3.7). While a WAL holds frames a checkpoint may be half-way through rewriting the
        // file, so the size comparison is only made when there is no WAL content to replay.
        let changeCounter = header[24..<28]
        let validFor = header[92..<96]
        let pageCount = header[28..<32].reduce(0) { $0 << 8 | Int($1) }
        if walSize == 0, pageCount > 0, changeCounter.elementsEqual(validFor), size < pageCount * pageSize {
            throw .corrupt(
                path: path,
                detail: "truncated: header declares \(pageCount) pages of \(pageSize) bytes, file has \(size) bytes")
        }
    }
}

import Foundation

/// File-system steps of opening a realm, each reporting failures as `RealmError` naming the path.
enum RealmFiles {
    /// Creates `url` (and its parents) unless it exists as a folder. A regular file in the way is reported at its
    /// own path, which is more useful than the generic error of a failed `mkdir`.
    static func ensureDirectory(_ url: URL) throws(RealmError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw .io(path: url.path, detail: "exists and is not a directory")
        }
        var ancestor = url.deletingLastPathComponent()
        while ancestor.path != "/", !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
            ancestor = ancestor.deletingLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .io(path: ancestor.path, detail: "is not a directory, cannot create \(url.path) under it")
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .io(path: url.path, detail: "cannot create directory: \(reason(error))")
        }
    }

    /// Throws unless the process may create files in `url`.
    static func checkWritable(_ url: URL) throws(RealmError) {
        if access(url.path, W_OK | X_OK) != 0 {
            throw .io(path: url.path, detail: "permission denied (\(String(cString: strerror(errno))))")
        }
    }

    /// Creates an empty file unless one exists.
    static func ensureFile(_ url: URL) throws(RealmError) {
        if FileManager.default.fileExists(atPath: url.path) { return }
        let descriptor = Foundation.open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw .io(path: url.path, detail: "cannot create: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the manifest, or publishes `fresh` when there is none. Publishing links a fully written temporary
    /// file into place, so two processes creating the same realm agree on one manifest and nobody reads a
    /// partial one.
    static func loadOrCreateManifest(at url: URL, fresh: RealmManifest) throws(RealmError) -> RealmManifest {
        if !FileManager.default.fileExists(atPath: url.path) {
            let temporary = try writeTemporary(beside: url, fresh.encoded())
            defer { unlink(temporary.path) }
            if link(temporary.path, url.path) == 0 { return fresh }
            if errno != EEXIST {
                throw .io(path: url.path, detail: "cannot create: \(String(cString: strerror(errno)))")
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableManifest(path: url.path, detail: reason(error))
        }
        return try RealmManifest.decode(data, path: url.path)
    }

    /// Atomically replaces `url` with `data` (temporary file, flush, rename).
    static func replace(_ url: URL, with data: Data) throws(RealmError) {
        let temporary = try writeTemporary(beside: url, data)
        if rename(temporary.path, url.path) != 0 {
            let detail = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .io(path: url.path, detail: "cannot replace: \(detail)")
        }
    }

    private static func writeTemporary(beside url: URL, _ data: Data) throws(RealmError) -> URL {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.lowercased()).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw RealmError.io(path: temporary.path, detail: "cannot create file")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as RealmError {
            throw error
        } catch {
            unlink(temporary.path)
            throw .io(path: temporary.path, detail: reason(error))
        }
        return temporary
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

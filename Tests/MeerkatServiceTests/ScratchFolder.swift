import Foundation

/// A folder under the temporary directory that is removed with its contents when the last reference goes away; a
/// suite that keeps one as a stored property gets a fresh one per test.
final class ScratchFolder: Sendable {
    let url: URL

    init(_ prefix: String) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }

    /// A new, empty subfolder.
    func folder(_ name: String = UUID().uuidString) throws -> URL {
        let folder = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

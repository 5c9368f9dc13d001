import Foundation

/// Depth-first, name-sorted traversal of a directory tree for `glob` and `grep`.
///
/// Symbolic links are reported but never descended into (a link may lead outside the project root or into a
/// cycle), and `.git` directories are skipped. The walk stops after `maxEntries` entries so a huge tree cannot
/// stall a call.
struct DirectoryWalker {
    /// One visited entry.
    struct Entry {
        /// Absolute path.
        var path: String
        /// Path relative to the walk's start directory.
        var relativePath: String
        var isDirectory: Bool
        var isSymbolicLink: Bool
        var size: Int
    }

    /// Directory names never descended into.
    static let skippedDirectories: Set<String> = [".git"]

    var maxEntries: Int = 200_000

    /// Visits entries below `directory`; `visit` returns false to stop. Returns false when the entry limit
    /// ended the walk early.
    @discardableResult
    func walk(_ directory: String, visit: (Entry) -> Bool) -> Bool {
        var visited = 0
        var stack: [(path: String, relative: String)] = [(directory, "")]
        while let (current, relative) = stack.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: current) else { continue }
            var subdirectories: [(String, String)] = []
            for name in names.sorted() {
                visited += 1
                if visited > maxEntries { return false }
                let path = current == "/" ? "/" + name : current + "/" + name
                let entryRelative = relative.isEmpty ? name : relative + "/" + name
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                let type = attributes?[.type] as? FileAttributeType
                let entry = Entry(
                    path: path, relativePath: entryRelative, isDirectory: type == .typeDirectory,
                    isSymbolicLink: type == .typeSymbolicLink, size: (attributes?[.size] as? NSNumber)?.intValue ?? 0)
                if !visit(entry) { return true }
                if entry.isDirectory, !Self.skippedDirectories.contains(name) {
                    subdirectories.append((path, entryRelative))
                }
            }
            // Reversed so the stack pops them in name order.
            stack.append(contentsOf: subdirectories.reversed())
        }
        return true
    }
}

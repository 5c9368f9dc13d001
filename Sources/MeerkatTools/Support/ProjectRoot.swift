import Foundation
public import MeerkatCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory every file tool is confined to.
///
/// Paths given by the model are resolved against the root; symbolic links of every existing prefix are
/// followed, so `..` segments, absolute paths and links that lead outside the root are all refused.
/// The check happens at resolution time: a concurrent process that swaps a directory for a link between the
/// check and the access is out of scope (the agent's own tools never do that).
public struct ProjectRoot: Sendable, Hashable, CustomStringConvertible {
    /// The canonical absolute path of the root (symbolic links resolved).
    public let path: String

    /// Uses `path` (absolute, or relative to the current directory) as the root; it must be an existing directory.
    public init(_ path: String) throws(ToolError) {
        guard !path.isEmpty else { throw .invalidArguments("project root path must not be empty") }
        guard !path.utf8.contains(0) else { throw .invalidArguments("project root path contains a NUL byte") }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let canonical = Self.realPath(absolute) else {
            throw .invalidArguments("project root '\(path)' does not exist")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: canonical, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw .invalidArguments("project root '\(path)' is not a directory") }
        self.path = canonical
    }

    public var description: String { path }

    /// Resolves a model-supplied path to a canonical absolute path inside the root.
    ///
    /// The path may be relative (to the root) or absolute. Throws `invalidArguments` for empty paths or NUL
    /// bytes and `accessDenied` when the path, or a symbolic link on it, leads outside the root.
    public func resolve(_ requested: String) throws(ToolError) -> String {
        guard !requested.isEmpty else { throw .invalidArguments("path must not be empty") }
        guard !requested.utf8.contains(0) else {
            throw .invalidArguments(
                "path '\(requested.replacingOccurrences(of: "\0", with: "\\0"))' contains a NUL byte")
        }
        let absolute = requested.hasPrefix("/") ? requested : path + "/" + requested
        let resolved: String
        do {
            resolved = try Self.canonicalize(absolute)
        } catch {
            throw .accessDenied("path '\(requested)' cannot be resolved: \(error.reason)")
        }
        guard contains(resolved) else {
            if contains(Self.normalizeLexically(absolute)) {
                throw .accessDenied(
                    "path '\(requested)' leads through a symbolic link to '\(resolved)', outside the project root '\(path)'"
                )
            }
            throw .accessDenied("path '\(requested)' is outside the project root '\(path)'")
        }
        return resolved
    }

    /// True when a canonical absolute path is the root or lies below it.
    public func contains(_ canonicalPath: String) -> Bool {
        canonicalPath == path || canonicalPath.hasPrefix(path == "/" ? "/" : path + "/")
    }

    /// The path shown to the model: relative to the root, `.` for the root itself.
    public func displayPath(_ canonicalPath: String) -> String {
        if canonicalPath == path { return "." }
        let prefix = path == "/" ? "/" : path + "/"
        if canonicalPath.hasPrefix(prefix) { return String(canonicalPath.dropFirst(prefix.count)) }
        return canonicalPath
    }

    // MARK: - Resolution

    /// Why a path could not be canonicalised.
    struct ResolutionError: Error {
        var reason: String
    }

    /// Resolves `.`/`..` and every symbolic link of the existing part of an absolute path; components that do
    /// not exist yet are kept as written, so the result names where a new file would be created.
    static func canonicalize(_ absolute: String) throws(ResolutionError) -> String {
        var resolved: [String] = []
        // Components still to visit, in reverse so that `popLast` yields the next one.
        var pending = Array(absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
        var linksFollowed = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            resolved.append(component)
            let current = "/" + resolved.joined(separator: "/")
            guard let target = readLink(current) else { continue }
            linksFollowed += 1
            guard linksFollowed <= 40 else { throw ResolutionError(reason: "too many levels of symbolic links") }
            resolved.removeLast()
            if target.hasPrefix("/") { resolved.removeAll() }
            pending.append(
                contentsOf: target.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// Collapses `.` and `..` without consulting the file system (used only to explain a refusal).
    static func normalizeLexically(_ absolute: String) -> String {
        var parts: [Substring] = []
        for component in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The target of a symbolic link, or nil when `path` is not a link (or does not exist).
    private static func readLink(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

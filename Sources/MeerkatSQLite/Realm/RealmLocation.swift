import Foundation

/// Where the CLI keeps realms by default: `<project>/.skat/realms/<realm id>/`, where the project is the nearest
/// ancestor of the current directory that has a `.skat` folder (else the current directory itself), and the realm
/// id is `ws-` plus a short stable hash of the canonical current directory.
public enum RealmLocation {
    /// The folder that marks a project root.
    public static let projectMarker = ".skat"

    /// `url` with symlinks resolved and `.`/`..` removed, so two spellings of one folder agree.
    public static func canonical(_ url: URL) -> URL {
        url.standardizedFileURL.resolvingSymlinksInPath()
    }

    /// The nearest ancestor of `directory` (itself included) containing a `.skat` folder, else `directory`.
    public static func projectRoot(from directory: URL) -> URL {
        let start = canonical(directory)
        var candidate = start
        while true {
            var isDirectory: ObjCBool = false
            let marker = candidate.appendingPathComponent(projectMarker).path
            if FileManager.default.fileExists(atPath: marker, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return start }
            candidate = parent
        }
    }

    /// `<project>/.skat/realms` for `currentDirectory`.
    public static func defaultStateRoot(currentDirectory: URL) -> URL {
        projectRoot(from: currentDirectory).appendingPathComponent(projectMarker, isDirectory: true)
            .appendingPathComponent("realms", isDirectory: true)
    }

    /// `ws-` plus the first 12 hex digits of SHA-256 of the canonical path: stable across runs and machines for
    /// the same path, different for different folders.
    public static func defaultRealmID(currentDirectory: URL) -> RealmID {
        let hash = SHA256.hex(canonical(currentDirectory).path)
        // 15 characters of [a-z0-9-] that are not UUID-like always make a valid id.
        return try! RealmID("ws-" + hash.prefix(12))
    }
}

public import Foundation

/// Where the CLI keeps realms by default: `<project>/.skat/realms/<realm id>/`. The project root is the nearest
/// ancestor of the current directory (itself included) holding a `.skat` folder or a `.git` entry, else the current
/// directory itself; the realm id is `ws-` plus a short stable hash of the canonical project root, so every folder
/// of one project shares its sessions.
///
/// Discovery has a ceiling, like git's `GIT_CEILING_DIRECTORIES`: it never looks into a ceiling folder or above it
/// (unless the walk starts there). The home folder is always a ceiling, so `~/.skat` (the user's own folder) never
/// makes `$HOME` a project and a marker above `$HOME` never captures a project under it.
public enum RealmLocation {
    /// The folder that marks a project root.
    public static let projectMarker = ".skat"
    /// The other project marker (a folder, or a file in a git worktree).
    public static let gitMarker = ".git"
    /// The environment variable listing extra discovery ceilings (absolute paths separated by `:`).
    public static let ceilingVariable = "SKAT_CEILING_DIRECTORIES"

    /// `url` with symlinks resolved and `.`/`..` removed, so two spellings of one folder agree.
    public static func canonical(_ url: URL) -> URL {
        url.standardizedFileURL.resolvingSymlinksInPath()
    }

    /// The discovery ceilings an environment asks for: every absolute path of `SKAT_CEILING_DIRECTORIES` (relative
    /// and empty entries are ignored, as git does) plus `$HOME`.
    public static func ceilings(environment: [String: String]) -> [URL] {
        var paths = (environment[ceilingVariable] ?? "").split(separator: ":").map(String.init)
            .filter { $0.hasPrefix("/") }
        if let home = environment["HOME"], home.hasPrefix("/") { paths.append(home) }
        return paths.map { canonical(URL(fileURLWithPath: $0, isDirectory: true)) }
    }

    /// The ceilings of this process's environment.
    public static var processCeilings: [URL] { ceilings(environment: ProcessInfo.processInfo.environment) }

    /// The nearest ancestor of `directory` (itself included) holding a `.skat` folder or a `.git` entry, without
    /// looking into a ceiling or above it; `directory` itself when there is none.
    public static func projectRoot(from directory: URL, ceilings: [URL] = processCeilings) -> URL {
        let start = canonical(directory)
        let stops = Set(ceilings.map(\.path))
        var candidate = start
        while true {
            if isProject(candidate) { return candidate }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path || stops.contains(parent.path) { return start }
            candidate = parent
        }
    }

    private static func isProject(_ folder: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let marker = folder.appendingPathComponent(projectMarker).path
        if FileManager.default.fileExists(atPath: marker, isDirectory: &isDirectory), isDirectory.boolValue {
            return true
        }
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent(gitMarker).path)
    }

    /// `<project root>/.skat/realms`.
    public static func stateRoot(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(projectMarker, isDirectory: true)
            .appendingPathComponent("realms", isDirectory: true)
    }

    /// `<project>/.skat/realms` for `currentDirectory`.
    public static func defaultStateRoot(currentDirectory: URL, ceilings: [URL] = processCeilings) -> URL {
        stateRoot(projectRoot: projectRoot(from: currentDirectory, ceilings: ceilings))
    }

    /// `ws-` plus the first 12 hex digits of SHA-256 of the canonical project root: stable across runs and machines
    /// for the same path, different for different projects.
    public static func realmID(projectRoot: URL) -> RealmID {
        let hash = SHA256.hex(canonical(projectRoot).path)
        // 15 characters of [a-z0-9-] that are not UUID-like always make a valid id.
        return try! RealmID("ws-" + hash.prefix(12))
    }

    /// The default realm id of the project `currentDirectory` belongs to.
    public static func defaultRealmID(currentDirectory: URL, ceilings: [URL] = processCeilings) -> RealmID {
        realmID(projectRoot: projectRoot(from: currentDirectory, ceilings: ceilings))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over `posix_spawn` for starting a command in its own process group.
///
/// On glibc, `posix_spawn_file_actions_addchdir_np`, `posix_spawn_file_actions_addclosefrom_np` and `pipe2`
/// are only declared under `_GNU_SOURCE`, which Swift's Glibc module does not set, so they are looked up with
/// `dlsym` (glibc ≥ 2.29 / 2.34 have them; without `addchdir_np` a working directory cannot be set and the
/// spawn fails with a clear error).
enum PosixSpawn {
    #if os(Linux)
        typealias FileActions = posix_spawn_file_actions_t
        typealias Attributes = posix_spawnattr_t
        private typealias AddChdir =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        private typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

        private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
            unsafeBitCast($0, to: AddChdir.self)
        }
        private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: AddCloseFrom.self)
        }
        private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    #else
        typealias FileActions = posix_spawn_file_actions_t?
        typealias Attributes = posix_spawnattr_t?
    #endif

    /// A spawn failure with the `errno` text.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A pipe whose both ends are close-on-exec, so concurrent spawns elsewhere cannot inherit them.
    static func makePipe() throws(Failure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        #if os(Linux)
            if let pipe2 {
                guard pipe2(&fds, O_CLOEXEC) == 0 else { throw Failure(description: "pipe2: \(errnoText())") }
                return (fds[0], fds[1])
            }
        #endif
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(errnoText())") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// Starts `executable` with `arguments` (argv[0] included) as the leader of a new process group, with
    /// stdin from `stdin` (default `/dev/null`), the given stdout/stderr descriptors, default signal
    /// dispositions and an empty signal mask, in `environment` (`KEY=value` entries; default: this process's).
    /// Returns the pid, which is also the process group id.
    static func spawn(
        executable: String, arguments: [String], workingDirectory: String, stdin: Int32? = nil, stdout: Int32,
        stderr: Int32, environment entries: [String]? = nil
    ) throws(Failure) -> pid_t {
        var actions = FileActions()
        var attributes = Attributes()
        guard posix_spawn_file_actions_init(&actions) == 0 else {
            throw Failure(description: "posix_spawn_file_actions_init failed")
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { throw Failure(description: "posix_spawnattr_init failed") }
        defer { posix_spawnattr_destroy(&attributes) }

        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        #if os(Linux)
            guard let addChdir else {
                throw Failure(description: "posix_spawn_file_actions_addchdir_np is unavailable (glibc < 2.29)")
            }
            guard addChdir(&actions, workingDirectory) == 0 else {
                throw Failure(description: "cannot set working directory: \(errnoText())")
            }
            // Descriptors the agent process holds without close-on-exec must not leak into the command.
            _ = addCloseFrom?(&actions, 3)
        #else
            guard posix_spawn_file_actions_addchdir_np(&actions, workingDirectory) == 0 else {
                throw Failure(description: "cannot set working directory: \(errnoText())")
            }
        #endif

        // The agent may ignore or block signals (e.g. SIGPIPE); the command must start with the defaults so
        // that pipelines and the SIGTERM sent on timeout behave normally.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status: Int32
        if let entries {
            var envp: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
            defer { for pointer in envp { free(pointer) } }
            status = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        } else {
            status = posix_spawn(&pid, executable, &actions, &attributes, &argv, environment())
        }
        guard status == 0 else {
            throw Failure(description: "cannot start '\(executable)': \(String(cString: strerror(status)))")
        }
        return pid
    }

    private static func environment() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        #if os(Linux)
            environ
        #else
            _NSGetEnviron().pointee
        #endif
    }

    /// The current `errno` as text.
    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

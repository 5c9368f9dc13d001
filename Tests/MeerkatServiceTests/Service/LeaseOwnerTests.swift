import Foundation
import MeerkatSQLite
import Testing

@Suite("Lease owners")
struct LeaseOwnerTests {
    @Test func ownerNamesHostAndProcess() {
        let parts = LeaseOwner.current.split(separator: ":")
        #expect(parts.count == 3)
        #expect(Int32(parts[1]) == getpid())
        #expect(!LeaseOwner.isDeadLocalOwner(LeaseOwner.current))  // ourselves
        #expect(LeaseOwner.localProcess(LeaseOwner.current) == nil)  // never signal ourselves
    }

    @Test func anExitedLocalProcessIsRecognisedAsDead() {
        // posix_spawn and a blocking waitpid: Foundation's `Process` involves libdispatch, whose process handling
        // crashed a test run once (issue 11).
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, &argv, environ) == 0)
        var status: Int32 = -1
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status == 0)
        let host = LeaseOwner.current.split(separator: ":")[0]
        let owner = "\(host):\(pid):abcd1234"
        #expect(LeaseOwner.isDeadLocalOwner(owner))
        #expect(LeaseOwner.localProcess(owner) == nil)
        #expect(!LeaseOwner.isDeadLocalOwner("other-host:1:abcd1234"))  // never judge another host
    }
}

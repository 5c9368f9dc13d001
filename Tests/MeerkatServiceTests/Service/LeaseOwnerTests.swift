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

    @Test func anExitedLocalProcessIsRecognisedAsDead() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let host = LeaseOwner.current.split(separator: ":")[0]
        let owner = "\(host):\(process.processIdentifier):abcd1234"
        #expect(LeaseOwner.isDeadLocalOwner(owner))
        #expect(LeaseOwner.localProcess(owner) == nil)
        #expect(!LeaseOwner.isDeadLocalOwner("other-host:1:abcd1234"))  // never judge another host
    }
}

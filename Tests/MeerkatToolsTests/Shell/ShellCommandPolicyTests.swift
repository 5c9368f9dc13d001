import Testing

@testable import MeerkatTools

@Suite struct ShellWordsTests {
    @Test func canonicalisesQuotingAndSpacing() throws {
        #expect(try ShellWords("git   log  -p").canonical == "git log -p")
        #expect(try ShellWords("echo 'a  b' \"c d\" e\\ f").tokens.map(\.text) == ["echo", "a  b", "c d", "e f"])
        #expect(try ShellWords("ls;rm x&&y|z").canonical == "ls ; rm x && y | z")
        #expect(try ShellWords("echo hi # comment").canonical == "echo hi")
        #expect(try ShellWords("a\nb").canonical == "a ; b")
        #expect(try ShellWords("a\r\nb").canonical == "a ; b")
    }

    @Test func segmentsSplitAtOperators() throws {
        #expect(try ShellWords("cd / && rm -rf x | tee y; echo z").segments == ["cd /", "rm -rf x", "tee y", "echo z"])
    }

    @Test func unterminatedQuotesAreErrors() {
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords("echo 'oops") }
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords("echo \"oops") }
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords("echo \\") }
    }
}

@Suite struct ShellCommandPolicyTests {
    let allow = ShellCommandPolicy(mode: .allowList, patterns: ["git *", "cd * && make", "ls"])
    let deny = ShellCommandPolicy(mode: .denyList, patterns: ["rm -rf *", "sudo *"])

    @Test(arguments: [
        "git status", "git   log   -p", "git commit -m \"fix; things | more\"", "cd src && make", "ls",
        "'git' status",
    ])
    func allowListAdmits(command: String) {
        #expect(allow.evaluate(command) == .allowed)
    }

    @Test(arguments: [
        "git log; rm -rf /", "git log && rm -rf /", "git log | sh", "git $(rm -rf /)", "git `rm -rf /`",
        "git \"$(rm -rf /)\"", "git log > /etc/passwd", "git log\nrm -rf /", "git log\r\nrm -rf /", "ls -la",
        "cd src && make && rm -rf /", "make", "git 'unterminated",
    ])
    func allowListRefuses(command: String) {
        #expect(allow.evaluate(command) != .allowed)
    }

    @Test(arguments: ["rm -rf /", "rm    -rf /tmp", "cd / && rm -rf x", "echo a; sudo reboot", "'rm' -rf /"])
    func denyListRefuses(command: String) {
        #expect(deny.evaluate(command) != .allowed)
    }

    @Test(arguments: ["ls -la", "rm file.txt", "echo rm"])
    func denyListAdmits(command: String) {
        #expect(deny.evaluate(command) == .allowed)
    }

    @Test func unrestrictedAdmitsEverything() {
        let policy = ShellCommandPolicy(mode: .unrestricted, patterns: ["nothing"])
        #expect(policy.evaluate("rm -rf / 'unterminated") == .allowed)
    }

    @Test func refusalsExplainTheRule() {
        guard case .denied(let reason) = allow.evaluate("git log; rm x") else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason.contains("must match one pattern as a whole"))
    }
}

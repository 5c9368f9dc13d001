import Testing

@testable import MeerkatTools

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*.swift", "a.swift", true),
        ("*.swift", "dir/a.swift", false),
        ("**/*.swift", "a.swift", true),
        ("**/*.swift", "x/y/a.swift", true),
        ("src/**", "src/a/b", true),
        ("src/**/test?.md", "src/test1.md", true),
        ("src/**/test?.md", "src/a/b/test12.md", false),
        ("*.{swift,md}", "README.md", true),
        ("*.{swift,md}", "a.txt", false),
        ("[a-c]at", "bat", true),
        ("[!a-c]at", "bat", false),
        ("file\\*", "file*", true),
        ("file\\*", "files", false),
        ("a*b", "a/b", false),
    ])
    func pathMode(pattern: String, candidate: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(candidate) == expected)
    }

    @Test func textModeWildcardsCrossSlashes() {
        #expect(GlobPattern("git *", mode: .text).matches("git log src/a.swift"))
        #expect(GlobPattern("rm -rf *", mode: .text).matches("rm -rf /"))
    }

    @Test func commandModeWildcardsStopAtShellControlCharacters() {
        let pattern = GlobPattern("git *", mode: .command)
        #expect(pattern.matches("git log -p"))
        #expect(!pattern.matches("git log; rm -rf /"))
        #expect(!pattern.matches("git $(rm)"))
        #expect(GlobPattern("cd * && make", mode: .command).matches("cd src && make"))
    }
}

import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct GlobToolTests {
    @Test func matchesRecursivelyRelativeToTheRoot() async throws {
        let project = try TempProject()
        try project.write("Package.swift", "")
        try project.write("Sources/A/a.swift", "")
        try project.write("Sources/A/Sub/b.swift", "")
        try project.write("Sources/A/readme.md", "")
        try project.write(".git/objects/x.swift", "")
        let tool = GlobTool(root: project.root)
        let all = try await callText(tool, ["pattern": "**/*.swift"])
        #expect(all.split(separator: "\n").sorted() == ["Package.swift", "Sources/A/Sub/b.swift", "Sources/A/a.swift"])
        let scoped = try await callText(tool, ["pattern": "*.swift", "path": "Sources/A"])
        #expect(scoped == "Sources/A/a.swift")
        let none = try await callText(tool, ["pattern": "*.rs"])
        #expect(none == "No paths match '*.rs'.")
    }

    @Test func capsResults() async throws {
        let project = try TempProject()
        for index in 0..<20 { try project.write("f\(index).txt", "") }
        let text = try await callText(GlobTool(root: project.root, maxResults: 5), ["pattern": "*.txt"])
        let lines = text.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.last == "[results truncated at 5 paths; narrow the pattern]")
    }

    @Test func refusesPatternsThatLeaveTheBase() async throws {
        let project = try TempProject()
        let tool = GlobTool(root: project.root)
        #expect(await callError(tool, ["pattern": "../*"])?.isInvalidArguments == true)
        #expect(await callError(tool, ["pattern": "/etc/*"])?.isInvalidArguments == true)
    }
}

@Suite struct GrepToolTests {
    @Test func findsMatchingLinesWithNumbers() async throws {
        let project = try TempProject()
        try project.write("a.swift", "let a = 1\nfunc foo() {}\nlet b = foo()\n")
        try project.write("dir/b.txt", "nothing\nFOO here\n")
        let tool = GrepTool(root: project.root)
        let text = try await callText(tool, ["pattern": "foo"])
        #expect(text == "a.swift:2: func foo() {}\na.swift:3: let b = foo()")
        let folded = try await callText(tool, ["pattern": "^foo", "case_insensitive": true])
        #expect(folded == "dir/b.txt:2: FOO here")
    }

    @Test func filtersByGlobAndPath() async throws {
        let project = try TempProject()
        try project.write("a.swift", "needle\n")
        try project.write("b.md", "needle\n")
        try project.write("sub/c.swift", "needle\n")
        let tool = GrepTool(root: project.root)
        let swiftOnly = try await callText(tool, ["pattern": "needle", "glob": "*.swift"])
        #expect(swiftOnly == "a.swift:1: needle\nsub/c.swift:1: needle")
        let inSub = try await callText(tool, ["pattern": "needle", "path": "sub"])
        #expect(inSub == "sub/c.swift:1: needle")
        let oneFile = try await callText(tool, ["pattern": "needle", "path": "b.md"])
        #expect(oneFile == "b.md:1: needle")
    }

    @Test func skipsBinaryAndOversizedFiles() async throws {
        let project = try TempProject()
        try project.writeBytes("bin.dat", Array("needle".utf8) + [0, 1, 2])
        try project.write("big.txt", "needle\n" + String(repeating: "x", count: 5000))
        try project.write("small.txt", "needle\n")
        let text = try await callText(GrepTool(root: project.root, maxFileBytes: 1000), ["pattern": "needle"])
        #expect(text == "small.txt:1: needle\n[skipped 1 file(s) over 1000 bytes]")
    }

    @Test func capsResults() async throws {
        let project = try TempProject()
        try project.write("many.txt", String(repeating: "hit\n", count: 50))
        let text = try await callText(GrepTool(root: project.root), ["pattern": "hit", "max_results": 3])
        #expect(
            text
                == "many.txt:1: hit\nmany.txt:2: hit\nmany.txt:3: hit\n"
                + "[stopped after 3 matching lines; narrow the search or raise max_results]")
        let tooMany = await callError(GrepTool(root: project.root), ["pattern": "hit", "max_results": 5000])
        #expect(tooMany?.isInvalidArguments == true)
    }

    @Test func rejectsInvalidRegularExpressions() async throws {
        let project = try TempProject()
        let error = await callError(GrepTool(root: project.root), ["pattern": "(unclosed"])
        #expect(error?.isInvalidArguments == true)
    }
}

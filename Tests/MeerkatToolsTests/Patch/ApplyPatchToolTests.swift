import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct ApplyPatchToolTests {
    private func apply(_ patch: String, in project: TempProject) async throws -> String {
        try await callText(ApplyPatchTool(root: project.root), ["patch": .string(patch)])
    }

    private func failure(_ patch: String, in project: TempProject) async -> ToolError? {
        await callError(ApplyPatchTool(root: project.root), ["patch": .string(patch)])
    }

    @Test func addsUpdatesMovesAndDeletesInOnePatch() async throws {
        let project = try TempProject()
        try project.write("src/main.swift", "import Foundation\n\nfunc main() {\n    print(\"hi\")\n}\n")
        try project.write("old/name.txt", "one\ntwo\nthree\n")
        try project.write("gone.txt", "bye\n")
        let patch = """
            *** Begin Patch
            *** Add File: docs/new.md
            +# Title
            +
            +text
            *** Update File: src/main.swift
            @@ func main() {
            -    print("hi")
            +    print("hello")
            +    print("world")
             }
            *** Update File: old/name.txt
            *** Move to: new/name.txt
            @@
             one
            -two
            +2
             three
            *** Delete File: gone.txt
            *** End Patch
            """
        let summary = try await apply(patch, in: project)
        #expect(
            summary
                == "Applied patch:\nA docs/new.md\nM src/main.swift\nR old/name.txt -> new/name.txt\nD gone.txt")
        #expect(project.read("docs/new.md") == "# Title\n\ntext\n")
        #expect(
            project.read("src/main.swift")
                == "import Foundation\n\nfunc main() {\n    print(\"hello\")\n    print(\"world\")\n}\n")
        #expect(project.read("new/name.txt") == "one\n2\nthree\n")
        #expect(!project.exists("old/name.txt"))
        #expect(!project.exists("gone.txt"))
    }

    @Test func malformedPatchChangesNothingAndNamesTheLine() async throws {
        let project = try TempProject()
        try project.write("a.txt", "a\n")
        let patch = """
            *** Begin Patch
            *** Add File: first.txt
            +created?
            *** Update File: a.txt
            @@
            -a
            +b
            this line is not a hunk line
            *** End Patch
            """
        let error = await failure(patch, in: project)
        #expect(error?.isInvalidArguments == true)
        #expect(error?.description.contains("patch line 8:") == true)
        #expect(!project.exists("first.txt"))
        #expect(project.read("a.txt") == "a\n")
    }

    @Test func nonMatchingHunkChangesNothingAndNamesTheLine() async throws {
        let project = try TempProject()
        try project.write("a.txt", "one\ntwo\nthree\n")
        try project.write("b.txt", "keep\n")
        let patch = """
            *** Begin Patch
            *** Delete File: b.txt
            *** Update File: a.txt
            @@
             one
            -TWO
            +2
            *** End Patch
            """
        let error = await failure(patch, in: project)
        #expect(error?.description.contains("patch line 6:") == true)
        #expect(error?.description.contains("expected 'TWO' but line 2 is 'two'") == true)
        #expect(project.read("b.txt") == "keep\n")
        #expect(project.read("a.txt") == "one\ntwo\nthree\n")
    }

    @Test(arguments: [
        ("", 1, "expected '*** Begin Patch'"),
        ("*** Begin Patch\n*** Add File: x\n+a", 3, "missing '*** End Patch'"),
        ("*** Begin Patch\n*** Add File: x\nno plus\n*** End Patch", 3, "must start with '+'"),
        ("*** Begin Patch\n*** Update File: x\n*** End Patch", 2, "has no hunks"),
        ("*** Begin Patch\n*** Frobnicate: x\n*** End Patch", 2, "unknown patch directive"),
        ("*** Begin Patch\n*** Update File: x\n@@\n context only\n*** End Patch", 3, "no '-' or '+' lines"),
        ("*** Begin Patch\n*** End Patch\ntrailing", 3, "unexpected text after"),
        ("*** Begin Patch\n*** Delete File:\n*** End Patch", 2, "needs a path"),
    ])
    func syntaxErrorsNameTheirLine(patch: String, line: Int, message: String) async throws {
        let project = try TempProject()
        let error = await failure(patch, in: project)
        #expect(error?.description.contains("patch line \(line): ") == true, "\(String(describing: error))")
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func refusesToAddAnExistingFileOrTouchMissingOnes() async throws {
        let project = try TempProject()
        try project.write("a.txt", "a\n")
        let add = await failure("*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch", in: project)
        #expect(add == .executionFailed("patch line 2: cannot add 'a.txt': it already exists"))
        let delete = await failure("*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch", in: project)
        #expect(delete == .executionFailed("patch line 2: cannot delete 'nope.txt': it does not exist"))
        let update = await failure("*** Begin Patch\n*** Update File: nope.txt\n-a\n+b\n*** End Patch", in: project)
        #expect(update == .executionFailed("patch line 2: cannot update 'nope.txt': it does not exist"))
        #expect(project.read("a.txt") == "a\n")
    }

    @Test func refusesToCreateBelowAFile() async throws {
        let project = try TempProject()
        try project.write("a.txt", "a\n")
        let error = await failure(
            "*** Begin Patch\n*** Add File: ok.txt\n+x\n*** Add File: a.txt/b.txt\n+x\n*** End Patch", in: project)
        #expect(error == .executionFailed("patch line 4: cannot create 'a.txt/b.txt': 'a.txt' is not a directory"))
        #expect(!project.exists("ok.txt"))
    }

    @Test func movingOntoAnExistingFileIsRefused() async throws {
        let project = try TempProject()
        try project.write("a.txt", "a\n")
        try project.write("b.txt", "b\n")
        let error = await failure(
            "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n*** End Patch", in: project)
        #expect(error?.description.contains("patch line 3:") == true)
        #expect(project.read("a.txt") == "a\n")
        #expect(project.read("b.txt") == "b\n")
    }

    @Test func laterOperationsSeeEarlierOnes() async throws {
        let project = try TempProject()
        let patch = """
            *** Begin Patch
            *** Add File: n.txt
            +first
            *** Update File: n.txt
            -first
            +second
            *** End Patch
            """
        _ = try await apply(patch, in: project)
        #expect(project.read("n.txt") == "second\n")
    }

    @Test func toleratesTrailingWhitespaceDifferencesAndKeepsCRLF() async throws {
        let project = try TempProject()
        try project.write("w.txt", "a  \r\nb\r\nc\r\n")
        _ = try await apply("*** Begin Patch\n*** Update File: w.txt\n a\n-b\n+B\n*** End Patch", in: project)
        #expect(project.read("w.txt") == "a  \r\nB\r\nc\r\n")
    }

    @Test func endOfFileHunkMatchesTheLastLines() async throws {
        let project = try TempProject()
        try project.write("e.txt", "x\ny\nx\ny\n")
        let patch = "*** Begin Patch\n*** Update File: e.txt\n@@\n x\n-y\n+z\n*** End of File\n*** End Patch"
        _ = try await apply(patch, in: project)
        #expect(project.read("e.txt") == "x\ny\nx\nz\n")
    }

    @Test func missingAnchorIsReportedAtTheHunk() async throws {
        let project = try TempProject()
        try project.write("a.txt", "a\n")
        let error = await failure(
            "*** Begin Patch\n*** Update File: a.txt\n@@ func nope()\n-a\n+b\n*** End Patch", in: project)
        #expect(error == .executionFailed("patch line 3: anchor '@@ func nope()' not found in 'a.txt'"))
    }
}

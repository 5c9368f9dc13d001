import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct WriteFileToolTests {
    @Test func createsParentDirectoriesAndOverwrites() async throws {
        let project = try TempProject()
        let tool = WriteFileTool(root: project.root)
        let created = try await callText(tool, ["path": "a/b/c.txt", "content": "hello"])
        #expect(created == "Created 'a/b/c.txt' (5 bytes).")
        #expect(project.read("a/b/c.txt") == "hello")
        let overwritten = try await callText(tool, ["path": "a/b/c.txt", "content": "bye"])
        #expect(overwritten == "Overwrote 'a/b/c.txt' (3 bytes).")
        #expect(project.read("a/b/c.txt") == "bye")
    }

    @Test func refusesToReplaceADirectory() async throws {
        let project = try TempProject()
        try project.write("dir/x", "")
        let error = await callError(WriteFileTool(root: project.root), ["path": "dir", "content": "x"])
        #expect(error == .executionFailed("'dir' is a directory, not a file"))
    }
}

@Suite struct EditFileToolTests {
    @Test func replacesAUniqueString() async throws {
        let project = try TempProject()
        try project.write("a.swift", "let x = 1\nlet y = 2\n")
        let text = try await callText(
            EditFileTool(root: project.root), ["path": "a.swift", "old_string": "y = 2", "new_string": "y = 3"])
        #expect(text == "Replaced 1 occurrence in 'a.swift'.")
        #expect(project.read("a.swift") == "let x = 1\nlet y = 3\n")
    }

    @Test func refusesAmbiguousEditsSayingHowManyMatches() async throws {
        let project = try TempProject()
        try project.write("a.txt", "foo foo\nfoo\n")
        let tool = EditFileTool(root: project.root)
        let error = await callError(tool, ["path": "a.txt", "old_string": "foo", "new_string": "bar"])
        #expect(error?.description.contains("occurs 3 times in 'a.txt'") == true)
        #expect(project.read("a.txt") == "foo foo\nfoo\n")
        let text = try await callText(
            tool, ["path": "a.txt", "old_string": "foo", "new_string": "bar", "replace_all": true])
        #expect(text == "Replaced 3 occurrences in 'a.txt'.")
        #expect(project.read("a.txt") == "bar bar\nbar\n")
    }

    @Test func reportsAMissingString() async throws {
        let project = try TempProject()
        try project.write("a.txt", "abc")
        let error = await callError(
            EditFileTool(root: project.root), ["path": "a.txt", "old_string": "xyz", "new_string": "q"])
        #expect(error == .executionFailed("old_string was not found in 'a.txt'"))
    }

    @Test func matchesBytesExactly() async throws {
        let project = try TempProject()
        // Precomposed é in the file; a decomposed é in old_string must not match it.
        try project.write("a.txt", "caf\u{E9}")
        let error = await callError(
            EditFileTool(root: project.root), ["path": "a.txt", "old_string": "cafe\u{301}", "new_string": "x"])
        #expect(error == .executionFailed("old_string was not found in 'a.txt'"))
    }

    @Test func rejectsEmptyOrIdenticalStringsAndBinaryFiles() async throws {
        let project = try TempProject()
        try project.writeBytes("b.bin", [0, 1, 2])
        let tool = EditFileTool(root: project.root)
        #expect(
            await callError(tool, ["path": "b.bin", "old_string": "", "new_string": "x"])?.isInvalidArguments == true)
        #expect(
            await callError(tool, ["path": "b.bin", "old_string": "a", "new_string": "a"])?.isInvalidArguments == true)
        let binary = await callError(tool, ["path": "b.bin", "old_string": "a", "new_string": "b"])
        #expect(binary?.description.contains("binary") == true)
    }
}

@Suite struct ListDirToolTests {
    @Test func listsEntriesSortedWithKinds() async throws {
        let project = try TempProject()
        try project.write("b.txt", "12345")
        try project.write("a/inner.txt", "")
        try project.link("c", to: "b.txt")
        let text = try await callText(ListDirTool(root: project.root), [:])
        #expect(text == "a/\nb.txt (5 bytes)\nc -> b.txt")
        let inner = try await callText(ListDirTool(root: project.root), ["path": "a"])
        #expect(inner == "inner.txt (0 bytes)")
    }

    @Test func refusesFiles() async throws {
        let project = try TempProject()
        try project.write("f", "")
        #expect(
            await callError(ListDirTool(root: project.root), ["path": "f"])
                == .executionFailed("'f' is not a directory"))
    }
}

import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct ReadFileToolTests {
    @Test func returnsNumberedLines() async throws {
        let project = try TempProject()
        try project.write("a.txt", "alpha\nbeta\ngamma\n")
        let text = try await callText(ReadFileTool(root: project.root), ["path": "a.txt"])
        #expect(text == "     1\talpha\n     2\tbeta\n     3\tgamma\n")
    }

    @Test func readsARangeAndSaysHowToContinue() async throws {
        let project = try TempProject()
        try project.write("a.txt", (1...10).map { "line \($0)" }.joined(separator: "\n"))
        let text = try await callText(ReadFileTool(root: project.root), ["path": "a.txt", "offset": 3, "limit": 2])
        #expect(text.hasPrefix("     3\tline 3\n     4\tline 4\n"))
        #expect(text.contains("[showing lines 3-4 of 10; continue with offset=5]"))
        let tail = try await callText(ReadFileTool(root: project.root), ["path": "a.txt", "offset": 9])
        #expect(tail == "     9\tline 9\n    10\tline 10\n")
    }

    @Test func offsetPastTheEndIsAnError() async throws {
        let project = try TempProject()
        try project.write("a.txt", "one\ntwo\n")
        let error = await callError(ReadFileTool(root: project.root), ["path": "a.txt", "offset": 5])
        #expect(error == .invalidArguments("offset 5 is past the end of 'a.txt' (2 lines)"))
    }

    @Test func capsOutputSizeWithAClearNote() async throws {
        let project = try TempProject()
        try project.write("big.txt", (1...1000).map { "line number \($0)" }.joined(separator: "\n"))
        let text = try await callText(ReadFileTool(root: project.root, maxOutputBytes: 1024), ["path": "big.txt"])
        #expect(text.utf8.count < 1024 + 200)
        #expect(text.contains("[output truncated at 1024 bytes: showing lines 1-"))
        #expect(text.contains("of 1000; continue with offset="))
    }

    @Test func cutsVeryLongLines() async throws {
        let project = try TempProject()
        try project.write("long.txt", String(repeating: "x", count: 10_000) + "\nshort\n")
        let text = try await callText(ReadFileTool(root: project.root), ["path": "long.txt"])
        #expect(text.contains("[line truncated]"))
        #expect(text.contains("     2\tshort"))
    }

    @Test func refusesBinaryFiles() async throws {
        let project = try TempProject()
        try project.writeBytes("blob.bin", [0x41, 0x00, 0x42])
        let error = await callError(ReadFileTool(root: project.root), ["path": "blob.bin"])
        #expect(error?.description.contains("binary") == true)
    }

    @Test func reportsEmptyAndMissingFilesAndDirectories() async throws {
        let project = try TempProject()
        try project.write("empty.txt", "")
        try project.write("dir/x", "")
        let tool = ReadFileTool(root: project.root)
        #expect(try await callText(tool, ["path": "empty.txt"]) == "(empty.txt is empty)")
        #expect(await callError(tool, ["path": "missing.txt"]) == .executionFailed("file 'missing.txt' does not exist"))
        #expect(await callError(tool, ["path": "dir"]) == .executionFailed("'dir' is a directory, not a file"))
    }

    @Test func rejectsUnknownArgumentsAndBadTypes() async throws {
        let project = try TempProject()
        let tool = ReadFileTool(root: project.root)
        let unknown = await callError(tool, ["path": "a", "lines": 3])
        #expect(unknown?.description.contains("unknown argument 'lines'") == true)
        let badOffset = await callError(tool, ["path": "a", "offset": 0])
        #expect(badOffset?.isInvalidArguments == true)
    }

    @Test func schemaIsStrict() throws {
        let project = try TempProject()
        let schema = ReadFileTool(root: project.root).definition.inputSchema
        #expect(schema["additionalProperties"] == false)
        #expect(schema["required"] == ["path"])
        #expect(schema["properties"]?.objectValue?.keys.sorted() == ["limit", "offset", "path"])
    }
}

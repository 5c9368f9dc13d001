import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct ProjectRootTests {
    @Test func resolvesRelativeAndAbsolutePathsInsideTheRoot() throws {
        let project = try TempProject()
        #expect(try project.root.resolve("a/b.txt") == project.path + "/a/b.txt")
        #expect(try project.root.resolve("./a/../b.txt") == project.path + "/b.txt")
        #expect(try project.root.resolve(project.path + "/c") == project.path + "/c")
        #expect(try project.root.resolve(".") == project.path)
        #expect(project.root.displayPath(project.path + "/a/b.txt") == "a/b.txt")
        #expect(project.root.displayPath(project.path) == ".")
    }

    @Test func refusesDotDotEscape() throws {
        let project = try TempProject()
        #expect(throws: ToolError.accessDenied("path '../outside/x' is outside the project root '\(project.path)'")) {
            try project.root.resolve("../outside/x")
        }
        #expect(throws: ToolError.self) { try project.root.resolve("a/../../x") }
    }

    @Test func refusesAbsolutePathOutside() throws {
        let project = try TempProject()
        let error = #expect(throws: ToolError.self) { try project.root.resolve("/etc/passwd") }
        #expect(error?.isAccessDenied == true)
        #expect(error?.description.contains("'/etc/passwd'") == true)
    }

    @Test func refusesSymlinkLeadingOutside() throws {
        let project = try TempProject()
        try project.link("out", to: project.outside)
        try project.link("dangling", to: project.outside + "/new.txt")
        for path in ["out/secret.txt", "out", "dangling"] {
            let error = #expect(throws: ToolError.self) { try project.root.resolve(path) }
            #expect(error?.isAccessDenied == true)
            #expect(error?.description.contains("symbolic link") == true)
        }
    }

    @Test func followsSymlinksThatStayInside() throws {
        let project = try TempProject()
        try project.write("real/file.txt", "x")
        try project.link("alias", to: "real")
        #expect(try project.root.resolve("alias/file.txt") == project.path + "/real/file.txt")
        // `..` after a link walks from the link's target, as the kernel does.
        try project.link("up", to: project.outside)
        #expect(try project.root.resolve("up/../project/x") == project.path + "/x")
        #expect(throws: ToolError.self) { try project.root.resolve("up/../outside/x") }
    }

    @Test func refusesNulBytesAndEmptyPaths() throws {
        let project = try TempProject()
        let error = #expect(throws: ToolError.self) { try project.root.resolve("a\u{0}b") }
        #expect(error?.isInvalidArguments == true)
        #expect(error?.description.contains("a\\0b") == true)
        #expect(throws: ToolError.invalidArguments("path must not be empty")) { try project.root.resolve("") }
    }

    @Test func rootMustBeAnExistingDirectory() throws {
        let project = try TempProject()
        try project.write("file", "x")
        #expect(throws: ToolError.self) { try ProjectRoot(project.path + "/missing") }
        #expect(throws: ToolError.self) { try ProjectRoot(project.path + "/file") }
    }
}

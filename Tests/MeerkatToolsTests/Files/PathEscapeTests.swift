import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

/// Every file tool refuses every kind of path escape, and nothing outside the root is touched.
@Suite struct PathEscapeTests {
    /// The escape attempts: `..`, an absolute path outside, a symlinked directory leading out, a NUL byte.
    static let attempts: [(label: String, path: @Sendable (TempProject) -> String)] = [
        ("dot-dot", { _ in "../outside/target.txt" }),
        ("absolute outside", { $0.outside + "/target.txt" }),
        ("symlink out", { _ in "link/target.txt" }),
        ("nul byte", { _ in "ok\u{0}.txt" }),
    ]

    static let tools:
        [(name: String, make: @Sendable (ProjectRoot) -> any Tool, arguments: @Sendable (String) -> JSONValue)] = [
            ("read_file", { ReadFileTool(root: $0) }, { ["path": .string($0)] }),
            ("write_file", { WriteFileTool(root: $0) }, { ["path": .string($0), "content": "pwned"] }),
            (
                "edit_file", { EditFileTool(root: $0) },
                { ["path": .string($0), "old_string": "secret", "new_string": "pwned"] }
            ),
            ("list_dir", { ListDirTool(root: $0) }, { ["path": .string($0)] }),
            ("glob", { GlobTool(root: $0) }, { ["pattern": "*", "path": .string($0)] }),
            ("grep", { GrepTool(root: $0) }, { ["pattern": "secret", "path": .string($0)] }),
            ("view_image", { ViewImageTool(root: $0) }, { ["path": .string($0)] }),
            (
                "apply_patch", { ApplyPatchTool(root: $0) },
                { ["patch": .string("*** Begin Patch\n*** Add File: \($0)\n+pwned\n*** End Patch")] }
            ),
            (
                "apply_patch (update)", { ApplyPatchTool(root: $0) },
                { ["patch": .string("*** Begin Patch\n*** Update File: \($0)\n-secret\n+pwned\n*** End Patch")] }
            ),
        ]

    @Test(arguments: 0..<tools.count)
    func everyEscapeIsRefused(toolIndex: Int) async throws {
        let entry = Self.tools[toolIndex]
        for attempt in Self.attempts {
            let project = try TempProject()
            try "secret".write(toFile: project.outside + "/target.txt", atomically: true, encoding: .utf8)
            try project.link("link", to: project.outside)
            let tool = entry.make(project.root)
            let error = await callError(tool, entry.arguments(attempt.path(project)))
            let refused = error?.isAccessDenied == true || error?.isInvalidArguments == true
            #expect(refused, "\(entry.name) / \(attempt.label): \(String(describing: error))")
            #expect(error?.description.contains("path") == true, "\(entry.name) / \(attempt.label)")
            let outsideContent = try String(contentsOfFile: project.outside + "/target.txt", encoding: .utf8)
            #expect(outsideContent == "secret", "\(entry.name) / \(attempt.label) changed a file outside the root")
        }
    }

    @Test func shellWorkingDirectoryIsConfined() async throws {
        let project = try TempProject()
        try project.link("link", to: project.outside)
        let shell = ShellTool(root: project.root)
        for directory in ["..", project.outside, "link", "a\u{0}"] {
            let error = await callError(shell, ["command": "pwd", "working_dir": .string(directory)])
            #expect(error?.isAccessDenied == true || error?.isInvalidArguments == true, "\(directory)")
        }
    }
}

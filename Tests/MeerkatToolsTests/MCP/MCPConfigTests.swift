import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct MCPConfigParsingTests {
    @Test func parsesStdioAndHTTPEntries() throws {
        let servers = try MCPConfigTOML.parse(
            """
            [[servers]]
            name = "files"
            command = "npx"
            args = ["-y", "server-filesystem", "${HOME}/src"]
            env = { TOKEN = "${SECRET}", MODE = "ro" }

            [[servers]]
            name = "remote"
            url = "https://example.test/mcp"
            headers = { Authorization = "Bearer ${SECRET}" }
            connect_timeout_secs = 2.5
            """, file: "mcp.toml")
        #expect(
            servers == [
                .stdio(
                    "files", command: "npx", args: ["-y", "server-filesystem", "${HOME}/src"],
                    env: ["TOKEN": "${SECRET}", "MODE": "ro"]),
                .http(
                    "remote", url: "https://example.test/mcp", headers: ["Authorization": "Bearer ${SECRET}"],
                    connectTimeoutSeconds: 2.5),
            ])
        #expect(servers[0].connectTimeoutSeconds == 10)
        #expect(servers[1].connectTimeout == .milliseconds(2500))
    }

    @Test func expandsVariablesInEveryStringField() throws {
        let environment = ["HOME": "/home/me", "SECRET": "s3", "HOST": "example.test"]
        let stdio = try MCPServerConfig.stdio(
            "files", command: "${HOME}/bin/server", args: ["--root", "${HOME}/src", "cost: $$5"],
            env: ["TOKEN": "${SECRET}", "PLAIN": "a $ b"]
        ).expanded(with: environment)
        #expect(
            stdio.transport
                == .stdio(
                    command: "/home/me/bin/server", args: ["--root", "/home/me/src", "cost: $5"],
                    env: ["TOKEN": "s3", "PLAIN": "a $ b"]))
        let http = try MCPServerConfig.http(
            "remote", url: "https://${HOST}/mcp", headers: ["Authorization": "Bearer ${SECRET}"]
        ).expanded(with: environment)
        #expect(http.transport == .http(url: "https://example.test/mcp", headers: ["Authorization": "Bearer s3"]))
    }

    @Test func unknownVariableNamesServerAndField() {
        let server = MCPServerConfig.stdio("files", command: "srv", args: ["ok", "${MISSING}"])
        #expect(throws: MCPConfigError.unknownVariable(server: "files", field: "args[1]", variable: "MISSING")) {
            try server.expanded(with: [:])
        }
        let error = MCPConfigError.unknownVariable(server: "files", field: "args[1]", variable: "MISSING")
        #expect(error.description.contains("'files'") && error.description.contains("args[1]"))
        #expect(error.description.contains("${MISSING}"))
        let header = MCPServerConfig.http("remote", url: "http://h", headers: ["X-Key": "${KEY}"])
        #expect(throws: MCPConfigError.unknownVariable(server: "remote", field: "headers.X-Key", variable: "KEY")) {
            try header.expanded(with: [:])
        }
        let malformed = MCPServerConfig.http("remote", url: "http://${HOST")
        #expect(throws: MCPConfigError.malformedVariable(server: "remote", field: "url", text: "http://${HOST")) {
            try malformed.expanded(with: ["HOST": "h"])
        }
    }

    @Test(arguments: [
        ("[[servers]]\ncommand = \"x\"", "'name'"),
        ("[[servers]]\nname = \"a\"", "give 'command'"),
        ("[[servers]]\nname = \"a\"\ncommand = \"x\"\nurl = \"http://h\"", "not both"),
        ("[[servers]]\nname = \"a\"\ncommand = \"x\"\ncwd = \"/\"", "unknown field 'cwd'"),
        ("[[servers]]\nname = \"a\"\nurl = \"http://h\"\ntransport = \"sse\"", "legacy SSE"),
        ("[[servers]]\nname = \"a\"\ncommand = \"x\"\nargs = [1]", "'args' must be an array of strings"),
        ("[[servers]]\nname = \"a\"\ncommand = \"x\"\nconnect_timeout_secs = 0", "positive"),
        ("[[servers]]\nname = \"a\"\ncommand = \"x\"\nenv = { A = 1 }", "'env.A' must be a string"),
        ("[[servers]]\nname = \"a\"\nurl = \"http://h\"\ntransport = \"stdio\"", "needs 'command'"),
        ("servers = 3", "array of tables"),
        ("[other]\nx = 1", "unknown top-level key 'other'"),
    ])
    func rejectsMalformedEntries(text: String, expected: String) {
        do {
            _ = try MCPConfigTOML.parse(text, file: "mcp.toml")
            Issue.record("expected an error containing \(expected)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.contains("mcp.toml"))
        }
    }

    @Test func rejectsBadTOMLAndDuplicateNames() {
        #expect(throws: MCPConfigError.self) { try MCPConfigTOML.parse("[[servers]\nname=", file: "f") }
        #expect(throws: MCPConfigError.duplicateName(file: "f", server: "a")) {
            try MCPConfigTOML.parse(
                "[[servers]]\nname = \"a\"\ncommand = \"x\"\n[[servers]]\nname = \"a\"\nurl = \"http://h\"", file: "f")
        }
    }

    @Test func renderedFilesParseBackIdentically() throws {
        let servers: [MCPServerConfig] = [
            .stdio(
                "tricky \"name\"", command: "/bin/with space", args: ["a\\b", "line\nbreak", "${VAR}"],
                env: ["KEY WITH SPACE": "v", "Q": "\"quoted\""], connectTimeoutSeconds: 3),
            .http("remote", url: "http://127.0.0.1:1/mcp", headers: ["X-Tab": "a\tb"], connectTimeoutSeconds: 0.5),
            .stdio("plain", command: "srv"),
        ]
        #expect(try MCPConfigTOML.parse(MCPConfigTOML.render(servers), file: "f") == servers)
    }
}

@Suite struct MCPConfigFileTests {
    private func files(_ directory: TempDirectory, environment: [String: String] = [:]) -> MCPConfigFile {
        MCPConfigFile(
            projectRoot: directory.path + "/project", homeDirectory: directory.path + "/home", environment: environment)
    }

    @Test func projectEntryWinsOnNameClash() throws {
        let directory = try TempDirectory()
        try directory.write(
            "project/.skat/mcp.toml", "[[servers]]\nname = \"shared\"\ncommand = \"project-srv\"\n")
        try directory.write(
            "home/.skat/mcp.toml",
            "[[servers]]\nname = \"shared\"\ncommand = \"user-srv\"\n[[servers]]\nname = \"mine\"\nurl = \"http://${HOST}/mcp\"\n"
        )
        let config = files(directory, environment: ["HOST": "localhost"])
        let listed = try config.list()
        #expect(listed.map(\.server.name) == ["shared", "shared", "mine"])
        #expect(listed.map(\.scope) == [.project, .user, .user])
        #expect(listed.map(\.shadowed) == [false, true, false])
        #expect(try config.get(name: "shared")?.server == .stdio("shared", command: "project-srv"))
        #expect(try config.get(name: "mine")?.server == .http("mine", url: "http://${HOST}/mcp"))
        #expect(try config.get(name: "nope") == nil)
        #expect(
            try config.resolvedServers() == [
                .stdio("shared", command: "project-srv"), .http("mine", url: "http://localhost/mcp"),
            ])
        #expect(listed[1].summary.contains("[shadowed by project]"))
        #expect(listed[0].json["scope"] == "project" && listed[0].json["transport"] == "stdio")
    }

    @Test func missingFilesAreEmptyAndUnknownVariablesFailResolution() throws {
        let directory = try TempDirectory()
        let config = files(directory)
        #expect(try config.list().isEmpty)
        #expect(try config.resolvedServers().isEmpty)
        try config.add(server: .stdio("needs-var", command: "srv", env: ["TOKEN": "${TOKEN}"]), scope: .user)
        #expect(throws: MCPConfigError.unknownVariable(server: "needs-var", field: "env.TOKEN", variable: "TOKEN")) {
            try config.resolvedServers()
        }
        // Listing does not need the variables.
        #expect(try config.list().count == 1)
    }

    @Test func addAndRemoveRewriteTheChosenFile() throws {
        let directory = try TempDirectory()
        let config = files(directory)
        try config.add(server: .stdio("one", command: "srv", args: ["--x"]), scope: .project)
        try config.add(server: .http("two", url: "http://h/mcp", headers: ["A": "b"]), scope: .project)
        try config.add(server: .stdio("one", command: "user-srv"), scope: .user)
        #expect(throws: MCPConfigError.duplicateName(file: config.projectFile, server: "one")) {
            try config.add(server: .stdio("one", command: "again"), scope: .project)
        }
        #expect(try config.servers(in: .project).map(\.name) == ["one", "two"])
        #expect(directory.read("project/.skat/mcp.toml")?.contains("[[servers]]") == true)

        #expect(try config.remove(name: "one") == .project)
        #expect(try config.servers(in: .project).map(\.name) == ["two"])
        #expect(try config.get(name: "one")?.scope == .user)
        #expect(try config.remove(name: "one", scope: .user) == .user)
        #expect(throws: MCPConfigError.serverNotFound(name: "one", scope: nil)) { try config.remove(name: "one") }
        #expect(throws: MCPConfigError.serverNotFound(name: "two", scope: .user)) {
            try config.remove(name: "two", scope: .user)
        }
        #expect(try config.list().map(\.server.name) == ["two"])
        // An entry that would not load again is refused and the file is left alone.
        #expect(throws: MCPConfigError.self) { try config.add(server: .stdio(" ", command: "srv"), scope: .project) }
        #expect(throws: MCPConfigError.self) { try config.add(server: .http("empty", url: ""), scope: .project) }
        #expect(try config.servers(in: .project).map(\.name) == ["two"])
    }
}

import Foundation
import MeerkatCore
import MeerkatService
import MeerkatTools
import Testing

@Suite("Configuration")
struct ConfigTests {
    private let scratch = ScratchFolder("skat-config")

    private func tree(_ toml: String) throws -> [String: JSONValue] {
        try TOMLDocument.parse(toml, source: "test.toml")
    }

    private func tempDirectory() throws -> URL {
        try scratch.folder()
    }

    @Test func defaultsMatchTheSpec() {
        let config = MeerkatConfig()
        #expect(config.agent.maxTokensPerTurn == 16384 && config.agent.maxTurns == 100)
        #expect(config.agent.budgetWarningThreshold == 0.8 && config.agent.structuredOutputRetries == 2)
        #expect(config.retry.maxRetries == 3 && config.retry.initialDelay == .milliseconds(500))
        #expect(config.retry.maxDelay == .seconds(30) && config.retry.streamInactivityTimeout == .seconds(300))
        #expect(config.tools.defaultTimeout == .seconds(600) && config.tools.maxConcurrent == 10)
        #expect(config.shell.timeoutSecs == 30 && config.compaction.recentTurnBudget == 4)
        #expect(config.rest.host == "127.0.0.1" && config.rest.port == 8080)
        #expect(config.budget.maxSessions == 100_000)
    }

    @Test func layeringOrderIsDefaultsUserRealmThenRequest() throws {
        let directory = try tempDirectory()
        let user = directory.appendingPathComponent("user.toml")
        let realm = directory.appendingPathComponent("realm.toml")
        try "[agent]\nmodel = \"user-model\"\nmax_turns = 7\n[retry]\nmax_retries = 5\n".write(
            to: user, atomically: true, encoding: .utf8)
        try "[agent]\nmodel = \"realm-model\"\n".write(to: realm, atomically: true, encoding: .utf8)
        let layers = try ConfigLayers.load(userFile: user, realmFile: realm, overrides: ["retry": ["max_retries": 1]])
        let config = try layers.resolve()
        #expect(config.agent.model == "realm-model")  // realm beats user
        #expect(config.agent.maxTurns == 7)  // user beats defaults
        #expect(config.retry.maxRetries == 1)  // request beats everything
        #expect(config.agent.maxTokensPerTurn == 16384)  // defaults fill the rest
        let noFiles = try ConfigLayers.load(userFile: directory.appendingPathComponent("missing.toml"), realmFile: nil)
            .resolve()
        #expect(noFiles == MeerkatConfig())
    }

    @Test func sectionsParse() throws {
        let config = try MeerkatConfig(
            tree: try tree(
                """
                [agent]
                model = "claude-opus-5"
                temperature = 0.2
                [models]
                openai = "gpt-5.4"
                [models.my-model]
                provider = "openai"
                context_window = 128000
                [self_hosted]
                default_model = "llama"
                [self_hosted.servers.local]
                transport = "openai_compatible"
                base_url = "http://127.0.0.1:11434/v1"
                [self_hosted.models.llama]
                server = "local"
                remote_model = "llama3.2"
                vision = true
                [budget]
                max_tokens = 1000
                max_duration = "10m"
                [limits]
                max_turn_duration = "90s"
                [retry]
                initial_delay = "250ms"
                call_timeout = "2m"
                stream_inactivity_timeout = "disabled"
                [tools]
                preset = "workspace"
                default_timeout = "5m"
                block = ["shell"]
                [tools.tool_timeouts]
                shell = "45s"
                [shell]
                security_mode = "deny_list"
                security_patterns = ["rm -rf *"]
                """), source: "test.toml")
        #expect(config.agent.model == "claude-opus-5" && config.agent.temperature == 0.2)
        #expect(config.models.openai == "gpt-5.4" && config.models.custom["my-model"]?.contextWindow == 128_000)
        #expect(config.selfHosted.servers["local"]?.baseURL == "http://127.0.0.1:11434/v1")
        #expect(
            config.selfHosted.models["llama"]?.remoteModel == "llama3.2"
                && config.selfHosted.models["llama"]?.vision == true)
        #expect(config.budget.maxTokens == 1000 && config.budget.maxDuration == .seconds(600))
        #expect(config.budget.maxTurnDuration == .seconds(90))
        #expect(config.retry.initialDelay == .milliseconds(250) && config.retry.callTimeout == .seconds(120))
        #expect(config.retry.streamInactivityTimeout == nil)
        #expect(config.tools.preset == .workspace && config.tools.defaultTimeout == .seconds(300))
        #expect(config.tools.toolTimeouts["shell"] == .seconds(45) && config.tools.block == ["shell"])
        #expect(config.shell.securityMode == .denyList && config.shell.securityPatterns == ["rm -rf *"])
    }

    @Test(arguments: [
        ("[agent]\nmodle = \"x\"\n", "test.toml: unknown key 'agent.modle'"),
        ("[agnet]\n", "test.toml: unknown key 'agnet'"),
        ("[agent]\nmax_turns = \"ten\"\n", "test.toml: 'agent.max_turns': expected an integer, got string"),
        ("[agent]\nmax_turns = 0\n", "test.toml: 'agent.max_turns': must be at least 1, got 0"),
        ("[agent]\ntemperature = 3.5\n", "test.toml: 'agent.temperature': must be at most 2.0, got 3.5"),
        (
            "[agent]\nprovider = \"azure\"\n",
            "test.toml: 'agent.provider': must be one of anthropic, openai, gemini, self_hosted, got 'azure'"
        ),
        (
            "[retry]\ninitial_delay = \"soon\"\n",
            "test.toml: 'retry.initial_delay': 'soon' is not a duration (use forms like \"500ms\", \"30s\", \"10m\", \"4h\", \"1h30m\" or \"disabled\")"
        ),
        (
            "[tools]\npreset = \"everything\"\n",
            "test.toml: 'tools.preset': must be one of none, safe, workspace, full, got 'everything'"
        ),
        ("[tools]\nblock = [\"shell\", 3]\n", "test.toml: 'tools.block[1]': expected a string, got integer"),
        (
            "[shell]\nsecurity_mode = \"yolo\"\n",
            "test.toml: 'shell.security_mode': must be one of unrestricted, allow_list, deny_list, got 'yolo'"
        ),
        ("[rest]\nport = 70000\n", "test.toml: 'rest.port': must be at most 65535, got 70000"),
        ("agent = 3\n", "test.toml: 'agent': expected a table, got integer"),
        (
            "[self_hosted.models.x]\nserver = \"nope\"\n",
            "test.toml: 'self_hosted.models.x.server': names no [self_hosted.servers.nope] table"
        ),
        (
            "[self_hosted.servers.s]\nbase_url = \"not a url\"\n",
            "test.toml: 'self_hosted.servers.s.base_url': is required and must be a URL"
        ),
        (
            "[models.custom]\ncontext_window = 5\n",
            "test.toml: 'models.custom.provider': is required for a custom model row"
        ),
    ])
    func validationErrorsNameTheKeyPath(toml: String, message: String) throws {
        #expect(throws: ConfigError.self) { try MeerkatConfig(tree: try tree(toml), source: "test.toml") }
        do {
            _ = try MeerkatConfig(tree: try tree(toml), source: "test.toml")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func invalidTOMLIsAParseErrorWithPosition() {
        #expect {
            _ = try TOMLDocument.parse("[agent\nmodel = 1", source: "bad.toml")
        } throws: { error in
            guard case .parse(let source, let message) = error as? ConfigError else { return false }
            return source == "bad.toml" && message.contains("line")
        }
    }

    @Test func errorsInALayerNameItsFile() throws {
        let directory = try tempDirectory()
        let realm = directory.appendingPathComponent("config.toml")
        try "[agent]\nmax_turns = -1\n".write(to: realm, atomically: true, encoding: .utf8)
        #expect {
            _ = try ConfigLayers.load(userFile: nil, realmFile: realm).resolve()
        } throws: { "\($0)".hasPrefix(realm.path + ": 'agent.max_turns'") }
    }

    @Test func durationsParseAndFormat() throws {
        #expect(try DurationText.parse("500ms") == .milliseconds(500))
        #expect(try DurationText.parse("10m") == .seconds(600))
        #expect(try DurationText.parse("1h30m") == .seconds(5400))
        #expect(try DurationText.parse("2d") == .seconds(172_800))
        #expect(try DurationText.parse("disabled") == nil)
        #expect(throws: DurationTextError.self) { try DurationText.parse("10") }
        #expect(throws: DurationTextError.self) { try DurationText.parse("ms") }
        #expect(throws: DurationTextError.self) { try DurationText.parse("5 weeks") }
        #expect(DurationText.format(.milliseconds(500)) == "500ms")
        #expect(DurationText.format(.seconds(600)) == "10m")
        #expect(DurationText.format(nil) == "disabled")
    }

    @Test func setAndPatchUseGenerationCompareAndSwap() throws {
        let store = RealmConfigStore(directory: try tempDirectory())
        #expect(try store.get().generation == 0)
        let first = try store.set(["agent": ["model": "a"]], expectedGeneration: 0)
        #expect(first == 1)
        #expect(throws: ConfigError.generationConflict(expected: 0, actual: 1)) {
            try store.set(["agent": ["model": "b"]], expectedGeneration: 0)
        }
        let second = try store.patch(
            ["agent": ["max_turns": 5, "model": nil], "retry": ["max_retries": 1]], expectedGeneration: 1)
        #expect(second == 2)
        let (tree, generation) = try store.get()
        #expect(generation == 2)
        #expect(tree == ["agent": ["max_turns": 5], "retry": ["max_retries": 1]])
        #expect(throws: ConfigError.generationConflict(expected: 1, actual: 2)) {
            try store.patch(["rest": ["port": 1]], expectedGeneration: 1)
        }
        // Invalid documents are refused before anything is written.
        #expect(throws: ConfigError.self) { try store.patch(["agent": ["max_turns": "many"]]) }
        #expect(try store.get().generation == 2)
    }

    @Test func renderedTOMLParsesBackToTheSameTree() throws {
        let original: [String: JSONValue] = [
            "agent": [
                "model": "m \"quoted\"", "max_turns": 3, "temperature": 0.5, "provider_params": ["a": ["b": true]],
            ],
            "tools": ["block": ["shell", "write_file"]], "top": "level",
        ]
        let text = TOMLDocument.render(original)
        #expect(try TOMLDocument.parse(text, source: "x") == original)
    }
}

import Foundation
import MeerkatCore
import MeerkatProviders
import Testing

@Suite struct ModelCatalogTests {
    private let catalog = ModelCatalog.builtIn

    @Test func everySpecifiedModelHasItsProfile() throws {
        let rows: [(String, ProviderKind, Int, Int)] = [
            ("claude-fable-5", .anthropic, 1_000_000, 128_000), ("claude-opus-5", .anthropic, 1_000_000, 128_000),
            ("claude-opus-4-8", .anthropic, 1_000_000, 128_000), ("claude-opus-4-7", .anthropic, 1_000_000, 128_000),
            ("claude-sonnet-4-6", .anthropic, 1_000_000, 64_000), ("claude-sonnet-4-5", .anthropic, 200_000, 64_000),
            ("claude-haiku-4-5", .anthropic, 200_000, 64_000),
            ("claude-haiku-4-5-20251001", .anthropic, 200_000, 64_000),
            ("claude-opus-4-5", .anthropic, 200_000, 64_000), ("gpt-5.6-sol", .openai, 1_050_000, 128_000),
            ("gpt-5.6-terra", .openai, 1_050_000, 128_000), ("gpt-5.6-luna", .openai, 1_050_000, 128_000),
            ("gpt-5.6", .openai, 1_050_000, 128_000), ("gpt-5.5", .openai, 1_050_000, 128_000),
            ("gpt-5.5-pro", .openai, 1_050_000, 128_000), ("gpt-5.4", .openai, 1_050_000, 128_000),
            ("gpt-5.4-mini", .openai, 128_000, 16_000), ("gpt-5.3-codex", .openai, 400_000, 128_000),
            ("gpt-realtime-2", .openai, 128_000, 32_000), ("gemini-3.5-flash", .gemini, 1_048_576, 65_536),
            ("gemini-3.1-pro-preview", .gemini, 1_048_576, 65_536),
            ("gemini-3.1-flash-lite-preview", .gemini, 1_048_576, 65_536),
        ]
        for (id, provider, context, output) in rows {
            let profile = try catalog.profile(for: id)
            #expect(profile.provider == provider, "\(id)")
            #expect(profile.contextWindow == context, "\(id)")
            #expect(profile.maxOutputTokens == output, "\(id)")
        }
        for id in [
            "gpt-image-2", "gpt-image-1", "dall-e-3", "dall-e-2", "gemini-3.1-flash-image-preview",
            "gemini-2.5-flash-image",
        ] {
            #expect(try catalog.profile(for: id).imageGeneration, "\(id)")
            #expect(try catalog.entry(for: id).tier == .image)
        }
        #expect(try catalog.entry(for: "gpt-5.6").aliasOf == "gpt-5.6-sol")
    }

    @Test func capabilitiesDiffer() throws {
        let claude = try catalog.profile(for: "claude-opus-5")
        #expect(claude.supportsTemperature && claude.supportsThinking && claude.imageToolResults && claude.vision)
        let gpt = try catalog.profile(for: "gpt-5.6-sol")
        #expect(!gpt.supportsTemperature && gpt.supportsReasoning && gpt.webSearch)
        #expect(try catalog.profile(for: "gpt-realtime-2").realtime)
        #expect(try catalog.profile(for: "gpt-5.5-pro").callTimeout > gpt.callTimeout)
        #expect(try !catalog.profile(for: "gemini-3.5-flash").imageToolResults)
    }

    @Test func providerIsDecidedByExactOwnershipNeverByPrefix() {
        for unknown in ["claude-opus-9", "gpt-5.6-sol-mini", "gemini", "GPT-5.4", "my-llama"] {
            #expect(throws: ModelCatalogError.self) { try catalog.provider(for: unknown) }
        }
        do {
            _ = try catalog.provider(for: "claude-opus-9")
        } catch {
            guard case .unknownModel(let model, let known) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(model == "claude-opus-9")
            #expect(known.contains("claude-opus-5"))
            #expect(error.llmError.kind == .modelNotFound)
        }
    }

    @Test func defaultsAndPriority() {
        #expect(ModelCatalog.defaultModel == "gpt-5.6-sol")
        #expect(ModelCatalog.defaultModel(for: .anthropic) == "claude-opus-5")
        #expect(ModelCatalog.defaultModel(for: .openai) == "gpt-5.6-sol")
        #expect(ModelCatalog.defaultModel(for: .gemini) == "gemini-3.5-flash")
        #expect(ModelCatalog.defaultModel(for: .selfHosted) == nil)
        #expect(ModelCatalog.providerPriority == [.anthropic, .openai, .gemini])
    }

    @Test func selfHostedAliasesJoinTheCatalogWithDeclaredCapabilities() throws {
        let local = SelfHostedModel(
            alias: "local-qwen", remoteModel: "qwen3:8b", baseURL: "http://localhost:11434", contextWindow: 40_960,
            maxOutputTokens: 4_096, supportsReasoning: true)
        let extended = try catalog.adding(selfHosted: [local])
        let entry = try extended.entry(for: "local-qwen")
        #expect(entry.profile.provider == .selfHosted)
        #expect(entry.wireModel == "qwen3:8b")
        #expect(entry.profile.contextWindow == 40_960)
        #expect(entry.profile.supportsReasoning)
        #expect(throws: ModelCatalogError.duplicateModel("gpt-5.4")) {
            try catalog.adding(selfHosted: [SelfHostedModel(alias: "gpt-5.4", baseURL: "http://x")])
        }
    }

    @Test func credentialsResolveInOrderFromAnInjectedEnvironment() {
        let environment = [
            "ANTHROPIC_API_KEY": "plain-a", "SKAT_ANTHROPIC_API_KEY": "skat-a", "OPENAI_API_KEY": "  ",
            "GOOGLE_API_KEY": "google", "SKAT_GOOGLE_API_KEY": "skat-google",
        ]
        let resolver = CredentialResolver(environment: environment)
        #expect(resolver.apiKey(for: .anthropic) == APIKey("skat-a", source: "SKAT_ANTHROPIC_API_KEY"))
        #expect(resolver.apiKey(for: .openai) == nil)
        #expect(resolver.apiKey(for: .gemini) == APIKey("skat-google", source: "SKAT_GOOGLE_API_KEY"))
        #expect(
            CredentialResolver(environment: ["GEMINI_API_KEY": "g", "SKAT_GOOGLE_API_KEY": "s"]).apiKey(for: .gemini)?
                .source == "GEMINI_API_KEY")
        #expect(resolver.availableProviders == [.anthropic, .gemini])
        #expect(CredentialResolver.variables(for: .openai) == ["SKAT_OPENAI_API_KEY", "OPENAI_API_KEY"])
    }

    @Test func keysNeverAppearInDescriptions() {
        let key = APIKey("sk-very-secret-123", source: "OPENAI_API_KEY")
        var dumped = ""
        dump(key, to: &dumped)
        for text in [
            "\(key)", String(reflecting: key), dumped,
            "\(AnthropicClient(apiKey: key, environment: [:]))",
            "\(OpenAIResponsesClient(apiKey: key, environment: [:]))",
            "\(ChatCompletionsClient(apiKey: key, environment: [:]))", "\(GeminiClient(apiKey: key, environment: [:]))",
        ] {
            #expect(!text.contains("sk-very-secret"), "\(text)")
        }
        #expect("\(key)".contains("OPENAI_API_KEY"))
    }

    @Test func factoryBuildsTheOwningProvidersClient() throws {
        let environment = [
            "ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o", "GEMINI_API_KEY": "g", "LOCAL_KEY": "l",
            "ANTHROPIC_BASE_URL": "http://anthropic.local",
        ]
        let catalog = try ModelCatalog.builtIn.adding(selfHosted: [
            SelfHostedModel(alias: "local", baseURL: "http://localhost:8000", apiKeyVariable: "LOCAL_KEY"),
            SelfHostedModel(alias: "local-responses", baseURL: "http://localhost:8001/v1", apiStyle: .responses),
        ])
        let factory = LLMClientFactory(catalog: catalog, environment: environment)
        let anthropic = try #require(try factory.makeClient(for: "claude-opus-5") as? AnthropicClient)
        #expect(anthropic.baseURL == "http://anthropic.local")
        #expect(try factory.makeClient(for: "gpt-5.4") is OpenAIResponsesClient)
        #expect(try factory.makeClient(for: "gemini-3.5-flash") is GeminiClient)
        let local = try #require(try factory.makeClient(for: "local") as? ChatCompletionsClient)
        #expect(local.provider == "self_hosted")
        #expect(local.baseURL == "http://localhost:8000/v1")
        let responses = try #require(try factory.makeClient(for: "local-responses") as? OpenAIResponsesClient)
        #expect(responses.provider == "self_hosted")

        let keyless = LLMClientFactory(catalog: catalog, environment: [:])
        #expect(
            throws: ModelCatalogError.missingCredentials(
                .anthropic, checked: ["SKAT_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"])
        ) {
            try keyless.makeClient(for: "claude-opus-5")
        }
        #expect(throws: ModelCatalogError.missingCredentials(.selfHosted, checked: ["LOCAL_KEY"])) {
            try keyless.makeClient(for: "local")
        }
        #expect(throws: ModelCatalogError.self) { try factory.makeClient(for: "claude-unknown") }
    }
}

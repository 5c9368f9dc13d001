import MeerkatCore

/// The built-in catalog rows (AGENT.md §4.4).
enum BuiltInModels {
    static var entries: [CatalogEntry] { anthropic + openAI + gemini + images }

    private static func claude(_ id: String, context: Int, output: Int, tier: CatalogEntry.Tier = .supported)
        -> CatalogEntry
    {
        CatalogEntry(
            id: id, tier: tier,
            profile: ModelProfile(
                provider: .anthropic, family: "claude", contextWindow: context, maxOutputTokens: output,
                supportsThinking: true, vision: true, imageToolResults: true, webSearch: true))
    }

    private static let anthropic: [CatalogEntry] = [
        claude("claude-fable-5", context: 1_000_000, output: 128_000),
        claude("claude-opus-5", context: 1_000_000, output: 128_000, tier: .recommended),
        claude("claude-opus-4-8", context: 1_000_000, output: 128_000),
        claude("claude-opus-4-7", context: 1_000_000, output: 128_000),
        claude("claude-sonnet-4-6", context: 1_000_000, output: 64_000, tier: .recommended),
        claude("claude-sonnet-4-5", context: 200_000, output: 64_000),
        claude("claude-haiku-4-5", context: 200_000, output: 64_000),
        claude("claude-haiku-4-5-20251001", context: 200_000, output: 64_000),
        claude("claude-opus-4-5", context: 200_000, output: 64_000),
    ]

    private static func gpt(
        _ id: String, context: Int = 1_050_000, output: Int = 128_000, tier: CatalogEntry.Tier = .supported,
        aliasOf: String? = nil, timeout: Duration = .seconds(600)
    ) -> CatalogEntry {
        CatalogEntry(
            id: id, tier: tier,
            profile: ModelProfile(
                provider: .openai, family: "gpt-5", contextWindow: context, maxOutputTokens: output,
                supportsTemperature: false, supportsReasoning: true, vision: true, imageToolResults: true,
                webSearch: true, callTimeout: timeout),
            aliasOf: aliasOf)
    }

    private static let openAI: [CatalogEntry] = [
        gpt("gpt-5.6-sol", tier: .recommended),
        gpt("gpt-5.6-terra"),
        gpt("gpt-5.6-luna"),
        gpt("gpt-5.6", aliasOf: "gpt-5.6-sol"),
        gpt("gpt-5.5"),
        gpt("gpt-5.5-pro", timeout: .seconds(1800)),
        gpt("gpt-5.4"),
        gpt("gpt-5.4-mini", context: 128_000, output: 16_000),
        gpt("gpt-5.3-codex", context: 400_000, output: 128_000),
        CatalogEntry(
            id: "gpt-realtime-2",
            profile: ModelProfile(
                provider: .openai, family: "gpt-realtime", contextWindow: 128_000, maxOutputTokens: 32_000,
                realtime: true)),
    ]

    private static func geminiModel(_ id: String, tier: CatalogEntry.Tier = .supported) -> CatalogEntry {
        CatalogEntry(
            id: id, tier: tier,
            profile: ModelProfile(
                provider: .gemini, family: "gemini-3", contextWindow: 1_048_576, maxOutputTokens: 65_536,
                supportsThinking: true, vision: true, webSearch: true))
    }

    private static let gemini: [CatalogEntry] = [
        geminiModel("gemini-3.5-flash", tier: .recommended),
        geminiModel("gemini-3.1-pro-preview"),
        geminiModel("gemini-3.1-flash-lite-preview"),
    ]

    private static func imageModel(_ id: String, provider: ProviderKind, family: String) -> CatalogEntry {
        CatalogEntry(
            id: id, tier: .image,
            profile: ModelProfile(
                provider: provider, family: family, contextWindow: 32_768, maxOutputTokens: 0,
                supportsTemperature: false, vision: provider == .gemini, imageGeneration: true))
    }

    private static let images: [CatalogEntry] = [
        imageModel("gpt-image-2", provider: .openai, family: "gpt-image"),
        imageModel("gpt-image-1", provider: .openai, family: "gpt-image"),
        imageModel("dall-e-3", provider: .openai, family: "dall-e"),
        imageModel("dall-e-2", provider: .openai, family: "dall-e"),
        imageModel("gemini-3.1-flash-image-preview", provider: .gemini, family: "gemini-image"),
        imageModel("gemini-2.5-flash-image", provider: .gemini, family: "gemini-image"),
    ]
}

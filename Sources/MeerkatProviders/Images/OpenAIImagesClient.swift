public import Foundation
public import MeerkatCore

/// An `ImageGenerationClient` for the OpenAI Images API: `POST /v1/images/generations` with base64 results.
///
/// GPT image models always answer `b64_json`; DALL·E models are asked for it with `response_format`. A content
/// policy block (`moderation_blocked`, `content_policy_violation`) becomes `.contentFilter`; a refusal code becomes
/// `.modelRefusal`; an answer without image data becomes `.emptyResult`.
public struct OpenAIImagesClient: ImageGenerationClient, CustomStringConvertible {
    /// The default API base (with `/v1`).
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public var provider: ProviderKind { .openai }
    /// The base requests go to (normalised to end in exactly one `/v1`).
    public let baseURL: String
    private let apiKey: APIKey?
    private let organization: String?
    private let project: String?
    private let exchange: ImageHTTPExchange

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: overrides `OPENAI_BASE_URL` from `environment`, which overrides `defaultBaseURL`.
    ///   - timeout: the whole call's deadline (image generation takes tens of seconds).
    public init(
        apiKey: APIKey?, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeout: Duration = .seconds(300), organization: String? = nil,
        project: String? = nil
    ) {
        let base = BaseURL.resolve(
            baseURL, environmentKey: "OPENAI_BASE_URL", environment: environment, default: Self.defaultBaseURL)
        self.baseURL = BaseURL.ensuring("v1", on: base)
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        exchange = ImageHTTPExchange(provider: .openai, transport: transport, timeout: timeout)
    }

    public var description: String {
        "OpenAIImagesClient(\(baseURL), \(apiKey.map(String.init(describing:)) ?? "no key"))"
    }

    /// The request body this client sends for `request`.
    public static func body(for request: ImageGenerationRequest) throws(ImageGenerationError) -> JSONValue {
        try ImageRequestCheck.validate(request, provider: .openai)
        var body: [String: JSONValue] = [
            "model": .string(request.model), "prompt": .string(request.prompt), "n": .number(Double(request.count)),
        ]
        if let size = request.size { body["size"] = .string(size) }
        if request.model.hasPrefix("dall-e") { body["response_format"] = "b64_json" }
        return .object(body)
    }

    public func generate(_ request: ImageGenerationRequest) async throws(ImageGenerationError) -> ImageGenerationResult
    {
        let body = try Self.body(for: request)
        var headers = OpenAIHeaders.make(apiKey: apiKey, organization: organization, project: project)
        headers.removeAll { $0.name == "accept" }
        headers.append(("accept", "application/json"))
        let answer = try await exchange.post(
            ProviderHTTPRequest(url: "\(baseURL)/images/generations", headers: headers, body: body.encodedBytes()))
        guard (200..<300).contains(answer.status) else {
            throw exchange.httpError(answer) { codes, message in
                if !codes.isDisjoint(with: Self.contentFilterCodes) || message.contains("safety system") {
                    return .contentFilter
                }
                if codes.contains(where: { $0.contains("refus") }) { return .modelRefusal }
                return nil
            }
        }
        return try Self.result(answer)
    }

    /// Error codes of a content-policy block.
    static let contentFilterCodes: Set<String> = ["moderation_blocked", "content_policy_violation", "content_filter"]

    private static func result(_ answer: ImageHTTPExchange.Answer) throws(ImageGenerationError) -> ImageGenerationResult
    {
        guard let json = answer.json, case .object(let root) = json else {
            throw ImageGenerationError(
                .malformedResponse, provider: .openai, message: "the answer is not a JSON object",
                httpStatus: answer.status)
        }
        let mediaType = ImageRequestCheck.mediaType(ofFormat: root["output_format"]?.stringValue ?? "png")
        var images: [GeneratedImage] = []
        var revised: String?
        for item in root["data"]?.arrayValue ?? [] {
            if revised == nil { revised = item["revised_prompt"]?.stringValue }
            guard let encoded = item["b64_json"]?.stringValue, !encoded.isEmpty else { continue }
            guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
                throw ImageGenerationError(
                    .malformedResponse, provider: .openai, message: "data[].b64_json is not valid base64",
                    httpStatus: answer.status)
            }
            images.append(GeneratedImage(data: bytes, mediaType: ImageRequestCheck.sniffMediaType(bytes) ?? mediaType))
        }
        guard !images.isEmpty else {
            throw ImageGenerationError(
                .emptyResult, provider: .openai, message: "the answer carried no image data", httpStatus: answer.status,
                providerText: revised)
        }
        return ImageGenerationResult(images: images, revisedPrompt: revised)
    }
}

public import Foundation
public import MeerkatCore

/// An `ImageGenerationClient` for Gemini image models: `POST /v1beta/models/{model}:generateContent` with
/// `generationConfig.responseModalities: ["TEXT", "IMAGE"]`; images arrive as `inlineData` parts.
///
/// A prompt block (`promptFeedback.blockReason`) or a safety finish reason (`SAFETY`, `IMAGE_SAFETY`,
/// `PROHIBITED_CONTENT`, ...) becomes `.safetyBlock`; `NO_IMAGE` / `IMAGE_OTHER` / `OTHER` without an image become
/// `.modelRefusal`; a plain answer without an image becomes `.emptyResult` carrying the model's text.
public struct GeminiImageClient: ImageGenerationClient, CustomStringConvertible {
    /// The default API origin (without `/v1beta`).
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"

    public var provider: ProviderKind { .gemini }
    /// The base requests go to (normalised to end in `/v1beta`).
    public let baseURL: String
    private let apiKey: APIKey
    private let exchange: ImageHTTPExchange

    /// Creates a client.
    /// - Parameter baseURL: overrides `GEMINI_BASE_URL` from `environment`, which overrides `defaultBaseURL`.
    public init(
        apiKey: APIKey, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeout: Duration = .seconds(300)
    ) {
        let origin = BaseURL.resolve(
            baseURL, environmentKey: "GEMINI_BASE_URL", environment: environment, default: Self.defaultBaseURL)
        self.baseURL = BaseURL.ensuring("v1beta", on: origin)
        self.apiKey = apiKey
        exchange = ImageHTTPExchange(provider: .gemini, transport: transport, timeout: timeout)
    }

    public var description: String { "GeminiImageClient(\(baseURL), \(apiKey))" }

    /// Finish and block reasons that mean a safety filter removed the image or blocked the prompt.
    static let safetyReasons: Set<String> = [
        "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
        "IMAGE_RECITATION",
    ]
    /// Finish and block reasons that mean the model declined to produce an image.
    static let refusalReasons: Set<String> = ["NO_IMAGE", "IMAGE_OTHER", "OTHER", "IMAGE_REFUSAL"]

    /// The request body this client sends for `request`.
    public static func body(for request: ImageGenerationRequest) throws(ImageGenerationError) -> JSONValue {
        try ImageRequestCheck.validate(request, provider: .gemini)
        guard request.count == 1 else {
            throw ImageGenerationError(
                .invalidRequest, provider: .gemini,
                message: "count: Gemini image models return one image per call, got \(request.count)")
        }
        var generationConfig: [String: JSONValue] = ["responseModalities": ["TEXT", "IMAGE"]]
        if let size = request.size {
            let ratio = try aspectRatio(size)
            generationConfig["imageConfig"] = ["aspectRatio": .string(ratio)]
        }
        return [
            "contents": [["role": "user", "parts": [["text": .string(request.prompt)]]]],
            "generationConfig": .object(generationConfig),
        ]
    }

    /// `W:H` as given, or `WxH` reduced to its ratio (`1024x1024` → `1:1`).
    static func aspectRatio(_ size: String) throws(ImageGenerationError) -> String {
        let parts = size.lowercased().split(whereSeparator: { $0 == "x" || $0 == ":" }).map { Int($0) }
        guard parts.count == 2, let width = parts[0], let height = parts[1], width > 0, height > 0 else {
            throw ImageGenerationError(
                .invalidRequest, provider: .gemini, message: "size: expected WIDTHxHEIGHT or W:H, got '\(size)'")
        }
        var (a, b) = (width, height)
        while b != 0 { (a, b) = (b, a % b) }
        return "\(width / a):\(height / a)"
    }

    public func generate(_ request: ImageGenerationRequest) async throws(ImageGenerationError) -> ImageGenerationResult
    {
        let body = try Self.body(for: request)
        guard let model = request.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else {
            throw ImageGenerationError(.invalidRequest, provider: .gemini, message: "model: not a valid path segment")
        }
        let headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("accept", "application/json"), ("x-goog-api-key", apiKey.value),
        ]
        let answer = try await exchange.post(
            ProviderHTTPRequest(
                url: "\(baseURL)/models/\(model):generateContent", headers: headers, body: body.encodedBytes()))
        guard (200..<300).contains(answer.status) else {
            throw exchange.httpError(answer) { codes, _ in
                if codes.contains(where: { Self.safetyReasons.contains($0.uppercased()) }) { return .safetyBlock }
                return nil
            }
        }
        return try Self.result(answer)
    }

    private static func result(_ answer: ImageHTTPExchange.Answer) throws(ImageGenerationError) -> ImageGenerationResult
    {
        guard let json = answer.json, case .object(let root) = json else {
            throw ImageGenerationError(
                .malformedResponse, provider: .gemini, message: "the answer is not a JSON object",
                httpStatus: answer.status)
        }
        if let blockReason = root["promptFeedback"]?["blockReason"]?.stringValue {
            let kind: ImageGenerationError.Kind = refusalReasons.contains(blockReason) ? .modelRefusal : .safetyBlock
            throw ImageGenerationError(
                kind, provider: .gemini, message: "the prompt was blocked (\(blockReason))", httpStatus: answer.status,
                providerCode: blockReason)
        }
        let candidate = root["candidates"]?.arrayValue?.first
        var images: [GeneratedImage] = []
        var texts: [String] = []
        for part in candidate?["content"]?["parts"]?.arrayValue ?? [] {
            if let text = part["text"]?.stringValue, part["thought"]?.boolValue != true { texts.append(text) }
            guard let inline = part["inlineData"] ?? part["inline_data"] else { continue }
            guard let encoded = inline["data"]?.stringValue, let bytes = Data(base64Encoded: encoded), !bytes.isEmpty
            else {
                throw ImageGenerationError(
                    .malformedResponse, provider: .gemini, message: "inlineData.data is not valid base64",
                    httpStatus: answer.status)
            }
            let declared = (inline["mimeType"] ?? inline["mime_type"])?.stringValue
            images.append(
                GeneratedImage(
                    data: bytes, mediaType: declared ?? ImageRequestCheck.sniffMediaType(bytes) ?? "image/png"))
        }
        let text = texts.isEmpty ? nil : texts.joined()
        if !images.isEmpty { return ImageGenerationResult(images: images, providerText: text) }
        let finish = candidate?["finishReason"]?.stringValue
        if let finish, safetyReasons.contains(finish) {
            throw ImageGenerationError(
                .safetyBlock, provider: .gemini, message: "the image was withheld (\(finish))",
                httpStatus: answer.status, providerCode: finish, providerText: text)
        }
        if let finish, refusalReasons.contains(finish) {
            throw ImageGenerationError(
                .modelRefusal, provider: .gemini, message: "the model produced no image (\(finish))",
                httpStatus: answer.status, providerCode: finish, providerText: text)
        }
        throw ImageGenerationError(
            .emptyResult, provider: .gemini, message: "the answer carried no image", httpStatus: answer.status,
            providerCode: finish, providerText: text)
    }
}

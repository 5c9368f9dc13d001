import AsyncHTTPClient
import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1

/// The one JSON POST an image client makes, with the failures below HTTP turned into `ImageGenerationError`s.
struct ImageHTTPExchange: Sendable {
    /// An answer that arrived: status and (bounded) body.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var json: JSONValue? { try? JSONValue.parse(Data(body)) }
    }

    /// Largest answer read: generated images arrive base64-encoded inside the JSON body.
    static let maxBodyBytes = 64 * 1024 * 1024

    var provider: ProviderKind
    var transport: HTTPTransport
    var timeout: Duration

    /// Sends `request`; throws `.cancelled` when the task is cancelled, `.timeout` past the deadline or on a read
    /// timeout, `.transport` for other exchange failures and `.malformedResponse` for an oversized body.
    func post(_ request: ProviderHTTPRequest) async throws(ImageGenerationError) -> Answer {
        do {
            try Task.checkCancellation()
            var httpRequest = HTTPClientRequest(url: request.url)
            httpRequest.method = .POST
            for header in request.headers { httpRequest.headers.add(name: header.name, value: header.value) }
            httpRequest.body = .bytes(ByteBuffer(bytes: request.body))
            let response = try await transport.client.execute(httpRequest, deadline: .now() + TimeAmount(timeout))
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                bytes += chunk.readableBytesView
                if bytes.count > Self.maxBodyBytes {
                    throw ImageGenerationError(
                        .malformedResponse, provider: provider,
                        message: "the answer is larger than \(Self.maxBodyBytes) bytes",
                        httpStatus: Int(response.status.code))
                }
            }
            try Task.checkCancellation()
            return Answer(status: Int(response.status.code), body: bytes)
        } catch let error as ImageGenerationError {
            throw error
        } catch {
            throw classify(error)
        }
    }

    private func classify(_ error: any Error) -> ImageGenerationError {
        if error is CancellationError || Task.isCancelled {
            return ImageGenerationError(.cancelled, provider: provider, message: "the image call was cancelled")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                return ImageGenerationError(
                    .timeout, provider: provider, message: "the image call exceeded its \(timeout) deadline")
            case .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return ImageGenerationError(.timeout, provider: provider, message: "HTTP \(error.shortDescription)")
            case .cancelled:
                return ImageGenerationError(.cancelled, provider: provider, message: "the image call was cancelled")
            default:
                return ImageGenerationError(.transport, provider: provider, message: "HTTP \(error.shortDescription)")
            }
        }
        return ImageGenerationError(.transport, provider: provider, message: "\(error)")
    }

    /// The error of a non-2xx answer, from its status and the provider's error body: 408/504 and
    /// `DEADLINE_EXCEEDED` are timeouts, 499 and `CANCELLED` cancellations; `refine` recognises the provider's own
    /// content-filter and refusal codes first.
    func httpError(
        _ answer: Answer, refine: (_ codes: Set<String>, _ message: String) -> ImageGenerationError.Kind?
    ) -> ImageGenerationError {
        let payload = answer.json.flatMap(ProviderErrorPayload.init(json:))
        let codes = payload?.tokens ?? []
        let text = payload?.message ?? String(decoding: answer.body.prefix(2048), as: UTF8.self)
        let message = text.isEmpty ? "HTTP \(answer.status) with an empty body" : text
        let code = Self.primaryCode(codes)
        let kind: ImageGenerationError.Kind
        if let refined = refine(codes, message.lowercased()) {
            kind = refined
        } else if answer.status == 408 || answer.status == 504 || codes.contains("deadline_exceeded") {
            kind = .timeout
        } else if answer.status == 499 || codes.contains("cancelled") {
            kind = .cancelled
        } else {
            kind = .http
        }
        return ImageGenerationError(
            kind, provider: provider, message: message, httpStatus: answer.status, providerCode: code)
    }

    /// The most specific code among the payload tokens (generic type words last).
    private static func primaryCode(_ codes: Set<String>) -> String? {
        let generic: Set<String> = [
            "invalid_request_error", "image_generation_user_error", "api_error", "server_error", "invalid_argument",
        ]
        return codes.subtracting(generic).sorted().first ?? codes.sorted().first
    }
}

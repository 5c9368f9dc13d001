import Foundation
import HTTPTypes
import Hummingbird
import MeerkatService
import NIOCore

/// The route handlers: each reads its request, calls the `SessionService` and encodes the answer; failures are
/// thrown and `RESTResponder` turns them into JSON errors.
struct RESTHandlers: Sendable {
    let service: SessionService
    let reader: RESTRequestReader
    let limits: ServerLimits
    let metrics: RESTMetrics

    /// The `components.schemas` names of every request body (validated against the OpenAPI document).
    static let requestSchemas = [
        "CreateSessionRequest", "InputRequest", "SessionLLMReconfigureRequest", "SwitchTurnRequest",
    ]

    func register(_ routes: inout RouteRegistrar) {
        routes.add(.get, "/health") { _, _ in try await health() }
        routes.add(.get, "/models") { _, _ in try await models() }
        routes.add(.get, "/metrics") { _, _ in try await metricsText() }
        routes.add(.get, "/openapi.json") { _, _ in openAPI() }
        routes.add(.post, "/sessions", body: "CreateSessionRequest") { request, _ in try await createSession(request) }
        routes.add(.get, "/sessions") { request, _ in try await listSessions(request) }
        routes.add(.get, "/sessions/{id}") { _, context in try await readSession(context) }
        routes.add(.delete, "/sessions/{id}") { _, context in try await deleteSession(context) }
        routes.add(.post, "/sessions/{id}/archive") { request, context in try await archive(request, context) }
        routes.add(.get, "/sessions/{id}/history") { request, context in try await history(request, context) }
        routes.add(.post, "/sessions/{id}/inputs", body: "InputRequest") { request, context in
            try await acceptInput(request, context)
        }
        routes.add(.get, "/sessions/{id}/inputs") { request, context in try await activeInputs(request, context) }
        routes.add(.get, "/sessions/{id}/inputs/{input_id}") { _, context in try await inputState(context) }
        routes.add(.get, "/sessions/{id}/events") { request, context in try await events(request, context) }
        routes.add(.get, "/sessions/{id}/runtime") { _, context in try await runtimeState(context) }
        routes.add(.post, "/sessions/{id}/runtime/retire") { request, context in try await retire(request, context) }
        routes.add(.post, "/sessions/{id}/runtime/reset") { request, context in try await reset(request, context) }
        routes.add(.post, "/sessions/{id}/runtime/stop") { request, context in try await stop(request, context) }
        routes.add(.post, "/sessions/{id}/runtime/interrupt") { request, context in
            try await interrupt(request, context)
        }
        routes.add(.post, "/sessions/{id}/llm/reconfigure", body: "SessionLLMReconfigureRequest") { request, context in
            try await reconfigure(request, context)
        }
        routes.add(.get, "/sessions/{id}/llm/capabilities") { _, context in try await capabilities(context) }
        routes.add(.get, "/sessions/{id}/routing") { _, context in try await routingStatus(context) }
        routes.add(.post, "/sessions/{id}/routing/switch-turn", body: "SwitchTurnRequest") { request, context in
            try await switchTurn(request, context)
        }
    }

    // MARK: Helpers

    /// A JSON response.
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data: [UInt8]
        do {
            data = try WireJSON.encodeBytes(value)
        } catch {
            throw APIError(status: 500, code: "internal", message: "cannot encode the response: \(error)")
        }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The session named by the `{id}` path parameter (a full id, a unique prefix or `last`).
    func session(_ context: BasicRequestContext) async throws -> SessionID {
        let text = context.parameters.get("id") ?? ""
        return try await service.resolve(SessionSelector(text))
    }

    /// Reads a body that must be empty or `{}` (action routes take no parameters).
    func emptyBody(_ request: Request) async throws {
        guard let json = try await reader.json(request, schema: nil, required: false) else { return }
        guard case .object(let object) = json else {
            throw APIError.invalid("this route takes no body (or an empty object)", field: nil)
        }
        if let first = object.keys.sorted().first { throw APIError.unknownField(first) }
    }

    /// Runs a runtime-extension call, mapping its typed error.
    func runtime<T: Sendable>(_ body: () async throws(RuntimeDriverError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw ErrorMapping.apiError(error)
        }
    }

    // MARK: Service-level routes

    func health() async throws -> Response {
        try json(HealthBody(status: "ok", liveSessions: await service.liveSessionCount))
    }

    func models() async throws -> Response {
        try json(ModelsBody(models: await service.modelCatalog()))
    }

    func metricsText() async throws -> Response {
        let text = metrics.render(liveSessions: await service.liveSessionCount, stats: service.stats.snapshot)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func openAPI() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
    }
}

struct HealthBody: Encodable {
    var status: String
    var liveSessions: Int
    private enum CodingKeys: String, CodingKey { case status, liveSessions = "live_sessions" }
}

struct ModelsBody: Encodable {
    var models: [ModelInfo]
}

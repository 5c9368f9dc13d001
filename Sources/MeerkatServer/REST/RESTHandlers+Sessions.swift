import Foundation
import Hummingbird
import MeerkatService

/// `POST /sessions` body.
struct CreateSessionBody: Decodable {
    var intent: SessionIntent?
    var systemPrompt: String?
    var disableSystemPrompt: Bool?
    var instructions: [String]?
    var creationKey: String?
    var prompt: ContentInput?
    var idempotencyKey: String?

    private enum CodingKeys: String, CodingKey {
        case intent, systemPrompt = "system_prompt", disableSystemPrompt = "disable_system_prompt", instructions
        case creationKey = "creation_key", prompt, idempotencyKey = "idempotency_key"
    }
}

struct CreatedSessionBody: Encodable {
    var session: SessionSummary
    var input: AcceptBody?
}

struct SessionListBody: Encodable {
    var sessions: [SessionSummary]
    var offset: Int
    var limit: Int
    var hasMore: Bool
    private enum CodingKeys: String, CodingKey { case sessions, offset, limit, hasMore = "has_more" }
}

struct HistoryBody: Encodable {
    var messages: [Message]
    var offset: Int
    var total: Int
    var hasMore: Bool
    private enum CodingKeys: String, CodingKey { case messages, offset, total, hasMore = "has_more" }
}

extension RESTHandlers {
    func createSession(_ request: Request) async throws -> Response {
        guard let json = try await reader.json(request, schema: "CreateSessionRequest", required: false) else {
            return try await createSession(CreateSessionBody())
        }
        return try await createSession(try reader.decode(json, as: CreateSessionBody.self))
    }

    private func createSession(_ body: CreateSessionBody) async throws -> Response {
        if body.disableSystemPrompt == true, body.systemPrompt != nil {
            throw APIError.invalid("give system_prompt or disable_system_prompt, not both", field: "system_prompt")
        }
        var existing: SessionID?
        if let key = body.creationKey { existing = try await service.session(creationKey: key) }
        let override: SystemPromptOverride? =
            body.disableSystemPrompt == true ? .disable : body.systemPrompt.map(SystemPromptOverride.set)
        let id = try await service.createSession(
            CreateSessionRequest(
                intent: body.intent ?? SessionIntent(), systemPrompt: override, instructions: body.instructions ?? [],
                creationKey: body.creationKey))
        var accepted: AcceptBody?
        if let prompt = body.prompt {
            let (outcome, _) = try await service.startTurn(id, prompt: prompt, idempotencyKey: body.idempotencyKey)
            accepted = AcceptBody(outcome: outcome, completion: nil)
        }
        let summary = try await service.summary(id)
        return try json(
            CreatedSessionBody(session: summary, input: accepted),
            status: existing != nil ? .ok : .created)
    }

    func listSessions(_ request: Request) async throws -> Response {
        let limit = try reader.int(request, "limit", default: 50, range: 1...1_000)
        let offset = try reader.int(request, "offset", default: 0, range: 0...Int(Int32.max))
        let archived = try reader.bool(request, "include_archived", default: false)
        var labels: [String: String] = [:]
        for text in request.uri.queryParameters.getAll("label") {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                throw APIError(
                    status: 400, code: "invalid_query", message: "label must be key:value, got '\(text)'",
                    field: "label")
            }
            labels[String(text[..<colon])] = String(text[text.index(after: colon)...])
        }
        let page = try await service.summaries(
            SessionQuery(labels: labels, includeArchived: archived, limit: limit + 1, offset: offset))
        return try json(
            SessionListBody(
                sessions: Array(page.prefix(limit)), offset: offset, limit: limit, hasMore: page.count > limit))
    }

    func readSession(_ context: BasicRequestContext) async throws -> Response {
        try json(try await service.summary(try await session(context)))
    }

    func deleteSession(_ context: BasicRequestContext) async throws -> Response {
        try await service.delete(try await session(context))
        return Response(status: .noContent)
    }

    func archive(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await emptyBody(request)
        let id = try await session(context)
        try await service.archive(id)
        return try json(try await service.summary(id))
    }

    func history(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        let offset = try reader.int(request, "offset", default: 0, range: 0...Int(Int32.max))
        let limit = try reader.int(request, "limit", default: 100, range: 1...1_000)
        let page = try await service.history(id, offset: offset, limit: limit)
        return try json(
            HistoryBody(messages: page.messages, offset: page.offset, total: page.total, hasMore: page.hasMore))
    }
}

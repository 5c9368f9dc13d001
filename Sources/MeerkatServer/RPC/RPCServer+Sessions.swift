import Foundation
import MeerkatService

extension RPCServer {
    func createSession(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly([
            "intent", "system_prompt", "no_system_prompt", "instructions", "creation_key", "prompt", "wait",
            "idempotency_key",
        ])
        var request = CreateSessionRequest()
        if let intent = try p.decode("intent", as: SessionIntent.self) { request.intent = intent }
        if let prompt = try p.string("system_prompt") { request.systemPrompt = .set(prompt) }
        if try p.bool("no_system_prompt") == true { request.systemPrompt = .disable }
        request.instructions = try p.stringArray("instructions") ?? []
        request.creationKey = try p.string("creation_key")
        let firstPrompt = try p.decode("prompt", as: ContentInput.self)
        let wait = try p.bool("wait") ?? false
        let key = try p.string("idempotency_key")
        let id = try await call { () throws(ServiceError) in try await service.createSession(request) }
        var out: [String: JSONValue] = ["session_id": .string(id.description)]
        if let firstPrompt {
            let accepted = try await admit(
                .prompt(
                    PromptInput(
                        header: InputHeader(idempotencyKey: key.map { IdempotencyKey($0) }), content: firstPrompt)),
                session: id, wait: wait)
            out["input"] = accepted
        }
        return .object(out)
    }

    func listSessions(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["labels", "include_archived", "limit", "offset"])
        var query = SessionQuery()
        if let labels = try p.object("labels") {
            var parsed: [String: String] = [:]
            for (key, value) in labels {
                guard let text = value.stringValue else {
                    throw .invalidParams("labels.\(key)", "must be a string, got \(value.typeName)")
                }
                parsed[key] = text
            }
            query.labels = parsed
        }
        query.includeArchived = try p.bool("include_archived") ?? false
        query.limit = try p.int("limit", range: 1...1000) ?? 100
        query.offset = try p.int("offset", range: 0...Int(Int32.max)) ?? 0
        let summaries = try await call { () throws(ServiceError) in try await service.summaries(query) }
        return ["sessions": try Self.json(summaries), "offset": .number(Double(query.offset))]
    }

    func readSession(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id"])
        let id = try await resolve(p)
        let summary = try await call { () throws(ServiceError) in try await service.summary(id) }
        return ["session": try Self.json(summary)]
    }

    func history(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "offset", "limit"])
        let id = try await resolve(p)
        let offset = try p.int("offset", range: 0...Int(Int32.max)) ?? 0
        let limit = try p.int("limit", range: 1...1000) ?? 100
        let page = try await call { () throws(ServiceError) in
            try await service.history(id, offset: offset, limit: limit)
        }
        return [
            "session_id": .string(id.description), "messages": try Self.json(page.messages),
            "offset": .number(Double(page.offset)), "total": .number(Double(page.total)),
            "has_more": .bool(page.hasMore),
        ]
    }
}

import Foundation
import Hummingbird
import MeerkatService

struct RuntimeStateBody: Encodable {
    var state: RuntimeState
}

struct InterruptBody: Encodable {
    var result: InterruptResult
}

struct CapabilitiesBody: Encodable {
    var capabilities: SessionLLMCapabilitySurface?
}

/// `POST /sessions/{id}/routing/switch-turn` body.
struct SwitchTurnBody: Decodable {
    var requestID: String?
    var targetModel: String
    /// `one_turn` (default) or `until_changed`; `turns` takes precedence when given.
    var duration: String?
    var turns: Int?

    private enum CodingKeys: String, CodingKey {
        case requestID = "request_id", targetModel = "target_model", duration, turns
    }
}

struct SwitchTurnResultBody: Encodable {
    var result: String
    var requestID: String
    var targetModel: String?
    var reason: String?
    private enum CodingKeys: String, CodingKey {
        case result, requestID = "request_id", targetModel = "target_model", reason
    }
}

extension RESTHandlers {
    func runtimeState(_ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        let state = try await runtime { () async throws(RuntimeDriverError) in
            try await service.runtimeState(session: id)
        }
        return try json(RuntimeStateBody(state: state))
    }

    func retire(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await emptyBody(request)
        let id = try await session(context)
        return try json(
            try await runtime { () async throws(RuntimeDriverError) in try await service.retireRuntime(session: id) })
    }

    func reset(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await emptyBody(request)
        let id = try await session(context)
        return try json(
            try await runtime { () async throws(RuntimeDriverError) in try await service.resetRuntime(session: id) })
    }

    func stop(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await emptyBody(request)
        let id = try await session(context)
        try await service.stopRuntime(id)
        let state = try await runtime { () async throws(RuntimeDriverError) in
            try await service.runtimeState(session: id)
        }
        return try json(RuntimeStateBody(state: state))
    }

    func interrupt(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await emptyBody(request)
        let id = try await session(context)
        return try json(InterruptBody(result: try await service.interrupt(id)))
    }

    func reconfigure(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        guard let body = try await reader.json(request, schema: "SessionLLMReconfigureRequest", required: true) else {
            throw APIError.badRequest("a JSON request body is required")
        }
        let change = try reader.decode(body, as: SessionLLMReconfigureRequest.self)
        return try json(
            try await runtime { () async throws(RuntimeDriverError) in
                try await service.reconfigureSessionLLMIdentity(session: id, change)
            })
    }

    func capabilities(_ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        let surface = try await runtime { () async throws(RuntimeDriverError) in
            try await service.resolvedSessionLLMCapabilities(session: id)
        }
        return try json(CapabilitiesBody(capabilities: surface))
    }

    func routingStatus(_ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        return try json(
            try await runtime { () async throws(RuntimeDriverError) in
                try await service.sessionModelRoutingStatus(session: id)
            })
    }

    func switchTurn(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        guard let json = try await reader.json(request, schema: "SwitchTurnRequest", required: true) else {
            throw APIError.badRequest("a JSON request body is required")
        }
        let body = try reader.decode(json, as: SwitchTurnBody.self)
        let duration: SwitchTurnDuration
        if let turns = body.turns {
            duration = .turns(turns)
        } else if body.duration == "until_changed" {
            duration = .untilChanged
        } else {
            duration = .oneTurn
        }
        let switchRequest = SwitchTurnRequest(
            requestID: body.requestID ?? UUID().uuidString.lowercased(), targetModel: body.targetModel,
            duration: duration)
        let result = try await runtime { () async throws(RuntimeDriverError) in
            try await service.requestSwitchTurn(session: id, switchRequest)
        }
        switch result {
        case .applied(let requestID, let model, _):
            return try self.json(
                SwitchTurnResultBody(result: "applied", requestID: requestID, targetModel: model, reason: nil))
        case .denied(let requestID, let reason):
            return try self.json(
                SwitchTurnResultBody(result: "denied", requestID: requestID, targetModel: nil, reason: reason))
        case .awaitingApproval(let requestID, let approvalID):
            // The runtime resolves approval before it is called (RUNTIME.md §13): this case is not produced today.
            return try self.json(
                SwitchTurnResultBody(
                    result: "awaiting_approval", requestID: requestID, targetModel: nil,
                    reason: "approval \(approvalID)"))
        }
    }
}

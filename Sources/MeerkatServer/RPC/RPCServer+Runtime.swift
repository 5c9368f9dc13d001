import Foundation
import MeerkatService

extension RPCServer {
    /// `runtime/state|retire|reset|stop|interrupt`: the runtime control plane with its reports.
    func runtimeControl(_ method: String, _ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id"])
        let id = try await resolve(p)
        var out: [String: JSONValue] = ["session_id": .string(id.description)]
        switch method {
        case "runtime/state":
            let state = try await runtime { () throws(RuntimeDriverError) in
                try await service.runtimeState(session: id)
            }
            out["state"] = .string(state.rawValue)
        case "runtime/retire":
            let report = try await runtime { () throws(RuntimeDriverError) in
                try await service.retireRuntime(session: id)
            }
            out["report"] = try Self.json(report)
        case "runtime/reset":
            let report = try await runtime { () throws(RuntimeDriverError) in
                try await service.resetRuntime(session: id)
            }
            out["report"] = try Self.json(report)
        case "runtime/stop":
            try await call { () throws(ServiceError) in try await service.stopRuntime(id) }
            out["stopped"] = true
        default:
            let result = try await call { () throws(ServiceError) in try await service.interrupt(id) }
            out["result"] = .string(result.rawValue)
        }
        return .object(out)
    }

    /// `llm/reconfigure`, `llm/capabilities`, `routing/status`, `routing/switch_turn`: forwarded to the runtime
    /// extension; an adapter without them answers `not_supported`.
    func routing(_ method: String, _ p: RPCParams) async throws(RPCError) -> JSONValue {
        switch method {
        case "llm/reconfigure":
            try p.allowOnly(["session_id", "model", "provider", "self_hosted_server_id", "provider_params"])
        case "routing/switch_turn":
            try p.allowOnly(["session_id", "request_id", "target_model", "duration"])
        default:
            try p.allowOnly(["session_id"])
        }
        let id = try await resolve(p)
        var out: [String: JSONValue] = ["session_id": .string(id.description)]
        switch method {
        case "llm/reconfigure":
            var fields = p.values
            fields.removeValue(forKey: "session_id")
            let request: SessionLLMReconfigureRequest
            do {
                request = try WireJSON.fromJSONValue(.object(fields))
            } catch {
                throw .invalidParams("params", RPCParams.describe(error))
            }
            let report = try await runtime { () throws(RuntimeDriverError) in
                try await service.reconfigureSessionLLMIdentity(session: id, request)
            }
            out["report"] = try Self.json(report)
        case "llm/capabilities":
            let surface = try await runtime { () throws(RuntimeDriverError) in
                try await service.resolvedSessionLLMCapabilities(session: id)
            }
            out["capabilities"] = try surface.map { value throws(RPCError) in try Self.json(value) } ?? .null
        case "routing/status":
            let status = try await runtime { () throws(RuntimeDriverError) in
                try await service.sessionModelRoutingStatus(session: id)
            }
            out["status"] = try Self.json(status)
        default:
            let request = SwitchTurnRequest(
                requestID: try p.requiredString("request_id"), targetModel: try p.requiredString("target_model"),
                duration: try Self.duration(p.raw("duration")))
            let result = try await runtime { () throws(RuntimeDriverError) in
                try await service.requestSwitchTurn(session: id, request)
            }
            switch result {
            case .applied(let requestID, let target, _):
                out["result"] = [
                    "status": "applied", "request_id": .string(requestID), "target_model": .string(target),
                ]
            case .denied(let requestID, let reason):
                out["result"] = ["status": "denied", "request_id": .string(requestID), "reason": .string(reason)]
            case .awaitingApproval(let requestID, let approvalID):
                out["result"] = [
                    "status": "awaiting_approval", "request_id": .string(requestID),
                    "approval_id": .string(approvalID),
                ]
            }
        }
        return .object(out)
    }

    /// `"one_turn"`, `"until_changed"` or `{"turns": n}` (n ≥ 1); absent means one turn.
    static func duration(_ value: JSONValue?) throws(RPCError) -> SwitchTurnDuration {
        switch value {
        case nil, .string("one_turn")?: return .oneTurn
        case .string("until_changed")?: return .untilChanged
        case .object(let object)? where object.count == 1:
            guard let turns = object["turns"]?.intValue, turns >= 1 else {
                throw .invalidParams("duration.turns", "must be an integer of at least 1")
            }
            return .turns(turns)
        default:
            throw .invalidParams("duration", "must be \"one_turn\", \"until_changed\" or {\"turns\": n}")
        }
    }
}

import Foundation
import MeerkatService

extension RPCServer {
    /// `input/accept`: any typed `Input` (`input`), or a prompt shorthand (`prompt` + `handling_mode` +
    /// `idempotency_key`); `wait` answers with the terminal completion too (or `callback_pending` with
    /// `return_on_callback`).
    func acceptInput(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly([
            "session_id", "input", "prompt", "handling_mode", "idempotency_key", "wait", "return_on_callback",
        ])
        let id = try await resolve(p)
        let wait = try p.bool("wait") ?? false
        let returnOnCallback = try p.bool("return_on_callback") ?? false
        if returnOnCallback, !wait { throw .invalidParams("return_on_callback", "needs wait: true") }
        let input: Input
        if p.has("input") {
            guard !p.has("prompt") else { throw .invalidParams("prompt", "give either input or prompt, not both") }
            for key in ["handling_mode", "idempotency_key"] where p.has(key) {
                throw .invalidParams(key, "belongs inside input when input is given")
            }
            guard let decoded = try p.decode("input", as: Input.self) else {
                throw .invalidParams("input", "is required")
            }
            input = decoded
        } else {
            input = try promptInput(p)
        }
        return try await admit(input, session: id, wait: wait, returnOnCallback: returnOnCallback)
    }

    /// `turn/start`: a prompt, waited for.
    func startTurn(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "prompt", "handling_mode", "idempotency_key", "return_on_callback"])
        let id = try await resolve(p)
        let returnOnCallback = try p.bool("return_on_callback") ?? false
        return try await admit(try promptInput(p), session: id, wait: true, returnOnCallback: returnOnCallback)
    }

    /// `input/wait`: the completion of an admitted input (its recorded outcome when it already finished), or
    /// `callback_pending` with `return_on_callback` while its run waits on a client's callback tool.
    func waitInput(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "input_id", "return_on_callback"])
        let id = try await resolve(p)
        let input = try p.inputID()
        let returnOnCallback = try p.bool("return_on_callback") ?? false
        guard try await call({ () throws(ServiceError) in try await service.inputStatus(id, input: input) }) != nil
        else {
            throw RPCError(.inputNotFound, "no input \(input) in session \(id)", field: "input_id")
        }
        let completion = try await call { () throws(ServiceError) in
            try await service.waitForCompletion(id, input: input, returningOnCallback: returnOnCallback)
        }
        return [
            "session_id": .string(id.description), "input_id": .string(input.description),
            "completion": try Self.json(completion),
        ]
    }

    private func promptInput(_ p: RPCParams) throws(RPCError) -> Input {
        guard let content = try p.decode("prompt", as: ContentInput.self) else {
            throw .invalidParams("prompt", "is required (or give a typed input)")
        }
        var handling = HandlingMode.queue
        if let mode = try p.string("handling_mode") {
            guard let parsed = HandlingMode(rawValue: mode) else {
                throw .invalidParams("handling_mode", "must be queue or steer, got '\(mode)'")
            }
            handling = parsed
        }
        var metadata = RuntimeTurnMetadata()
        if handling == .steer { metadata.handlingMode = .steer }
        let key = try p.string("idempotency_key")
        return .prompt(
            PromptInput(
                header: InputHeader(idempotencyKey: key.map { IdempotencyKey($0) }), content: content,
                turnMetadata: metadata == RuntimeTurnMetadata() ? nil : metadata))
    }

    /// Admits an input; the answer carries the outcome, the effective input id and, with `wait`, the completion
    /// (`callback_pending` when `returnOnCallback` and the input's run waits on a client's callback tool first).
    func admit(_ input: Input, session id: SessionID, wait: Bool, returnOnCallback: Bool = false)
        async throws(RPCError) -> JSONValue
    {
        let (outcome, _) = try await call { () throws(ServiceError) in try await service.accept(input, session: id) }
        var out: [String: JSONValue] = [
            "session_id": .string(id.description), "outcome": try Self.json(outcome),
            "input_id": outcome.effectiveInputID.map { .string($0.description) } ?? .null,
            "deduplicated": .bool(outcome.isDeduplicated),
        ]
        if case .rejected = outcome {
            return .object(out)
        }
        if wait, let inputID = outcome.effectiveInputID {
            let completion = try await call { () throws(ServiceError) in
                try await service.waitForCompletion(id, input: inputID, returningOnCallback: returnOnCallback)
            }
            out["completion"] = try Self.json(completion)
        }
        return .object(out)
    }

    func inputStatus(_ p: RPCParams) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "input_id"])
        let id = try await resolve(p)
        let input = try p.inputID()
        guard let state = try await call({ () throws(ServiceError) in try await service.inputStatus(id, input: input) })
        else {
            throw RPCError(.inputNotFound, "no input \(input) in session \(id)", field: "input_id")
        }
        return ["session_id": .string(id.description), "state": try Self.json(state)]
    }
}

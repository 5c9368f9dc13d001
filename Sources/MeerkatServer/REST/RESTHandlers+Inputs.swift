import Foundation
import Hummingbird
import MeerkatService

/// The answer to an admitted input: its id (the existing one on deduplication), the `AcceptOutcome`, and with
/// `?wait=true` the terminal `CompletionOutcome`.
struct AcceptBody: Encodable {
    var inputID: InputID?
    var outcome: AcceptOutcome
    var completion: CompletionOutcome?

    init(outcome: AcceptOutcome, completion: CompletionOutcome?) {
        inputID = outcome.effectiveInputID
        self.outcome = outcome
        self.completion = completion
    }

    private enum CodingKeys: String, CodingKey { case inputID = "input_id", outcome, completion }
}

struct ActiveInputsBody: Encodable {
    var inputIDs: [InputID]
    private enum CodingKeys: String, CodingKey { case inputIDs = "input_ids" }
}

extension RESTHandlers {
    func acceptInput(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        let wait = try reader.bool(request, "wait", default: false)
        guard case .object(var object)? = try await reader.json(request, schema: "InputRequest", required: true) else {
            throw APIError.invalid("the body must be an Input object", field: nil)
        }
        let handling = object.removeValue(forKey: "handling_mode")?.stringValue.flatMap(HandlingMode.init(rawValue:))
        let key = object.removeValue(forKey: "idempotency_key")?.stringValue
        var input = try reader.decode(.object(object), as: Input.self)
        try Self.refuseUnknownFields(object, decoded: input)
        if let key { input.header.idempotencyKey = IdempotencyKey(key) }
        if handling == .steer {
            guard case .prompt(var prompt) = input else {
                throw APIError.invalid("handling_mode steer applies to prompt inputs only", field: "handling_mode")
            }
            var metadata = prompt.turnMetadata ?? RuntimeTurnMetadata()
            metadata.handlingMode = .steer
            prompt.turnMetadata = metadata
            input = .prompt(prompt)
        }
        let (outcome, _) = try await service.accept(input, session: id)
        guard wait, let inputID = outcome.effectiveInputID else {
            return try json(AcceptBody(outcome: outcome, completion: nil), status: .accepted)
        }
        guard
            let completion = try await service.waitForCompletion(
                id, input: inputID, timeout: .seconds(limits.maxWaitSeconds))
        else {
            return try json(AcceptBody(outcome: outcome, completion: nil), status: .accepted)
        }
        return try json(AcceptBody(outcome: outcome, completion: completion))
    }

    /// The `Input` decoder ignores keys it does not know; the API refuses them (at the top level and in `header`)
    /// so that a misspelt field is an error, not silently dropped. A key is unknown when it is non-null in the
    /// request and absent from the decoded input's own encoding.
    static func refuseUnknownFields(_ object: [String: JSONValue], decoded input: Input) throws {
        guard case .object(let encoded) = try WireJSON.toJSONValue(input) else { return }
        for key in object.keys.sorted() where object[key] != .null {
            guard let value = encoded[key] else { throw APIError.unknownField(key) }
            if key == "header", case .object(let given) = object[key], case .object(let known) = value {
                for inner in given.keys.sorted() where given[inner] != .null && known[inner] == nil {
                    throw APIError.unknownField("header.\(inner)")
                }
            }
        }
    }

    func activeInputs(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        guard try reader.bool(request, "active", default: true) else {
            throw APIError(
                status: 400, code: "invalid_query", message: "only active inputs can be listed (active=true)",
                field: "active")
        }
        let ids = try await runtime { () async throws(RuntimeDriverError) in
            try await service.listActiveInputs(session: id)
        }
        return try json(ActiveInputsBody(inputIDs: ids))
    }

    func inputState(_ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        let text = context.parameters.get("input_id") ?? ""
        guard let inputID = InputID(text), let row = try await service.inputStatus(id, input: inputID) else {
            throw APIError(status: 404, code: "input_not_found", message: "session \(id) has no input '\(text)'")
        }
        return try json(row)
    }
}

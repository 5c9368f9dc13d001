#!/usr/bin/env python3
"""Writes docs/openapi.json and Sources/MeerkatServer/REST/OpenAPIDocument+Text.swift from the table below.

The document is maintained here as data (easier to review than raw JSON); both outputs are committed, and
MeerkatServerTests checks that the served document equals docs/openapi.json and matches the router exactly.
Run: python3 scripts/openapi_gen.py
"""
import json, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def ref(name): return {"$ref": f"#/components/schemas/{name}"}

def obj(props, required=(), additional=False, **extra):
    out = {"type": "object", "properties": props, "additionalProperties": additional}
    if required: out["required"] = list(required)
    out.update(extra)
    return out

S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}
ANY_OBJ = {"type": "object"}

schemas = {
    "Error": obj({"error": obj({"code": S, "message": S, "field": S}, ["code", "message"])}, ["error"]),
    "Health": obj({"status": {"type": "string", "enum": ["ok"]}, "live_sessions": I}, ["status", "live_sessions"]),
    "ModelListing": obj({"id": S, "provider": S, "display_name": S, "tier": S, "context_window": I,
                         "max_output_tokens": I, "vision": B, "image_generation": B, "alias_of": S},
                        ["id", "provider", "display_name", "tier", "context_window", "max_output_tokens", "vision",
                         "image_generation"]),
    "Models": obj({"models": {"type": "array", "items": ref("ModelListing")}}, ["models"]),
    "SessionIntent": obj({
        "model": S, "provider": S, "max_tokens": {"type": "integer", "minimum": 1},
        "budget_tokens": {"type": "integer", "minimum": 1}, "max_tool_calls": {"type": "integer", "minimum": 0},
        "max_duration": S, "tools": S, "allow_tools": {"type": "array", "items": S},
        "block_tools": {"type": "array", "items": S}, "output_schema": {}, "labels":
        {"type": "object", "additionalProperties": S}, "base_url": S}),
    "ContentInput": {"oneOf": [S, {"type": "array", "items": ANY_OBJ}]},
    "CreateSessionRequest": obj({
        "intent": ref("SessionIntent"), "system_prompt": S, "disable_system_prompt": B,
        "instructions": {"type": "array", "items": S}, "creation_key": {"type": "string", "minLength": 1},
        "prompt": ref("ContentInput"), "idempotency_key": {"type": "string", "minLength": 1}}),
    "SessionSummary": obj({"id": S, "title": S, "model": S, "created_at": S, "last_activity": S,
                           "message_count": I, "total_tokens": I,
                           "labels": {"type": "object", "additionalProperties": S}, "archived": B},
                          ["id", "created_at", "last_activity", "message_count", "total_tokens", "labels",
                           "archived"]),
    "CreatedSession": obj({"session": ref("SessionSummary"), "input": ref("AcceptResponse")}, ["session"]),
    "SessionList": obj({"sessions": {"type": "array", "items": ref("SessionSummary")}, "offset": I, "limit": I,
                        "has_more": B}, ["sessions", "offset", "limit", "has_more"]),
    "History": obj({"messages": {"type": "array", "items": {"type": "object", "required": ["role"]}},
                    "offset": I, "total": I, "has_more": B}, ["messages", "offset", "total", "has_more"]),
    "InputRequest": {
        "type": "object", "required": ["input_type"],
        "description": "An Input of the runtime (tag input_type, fields inline; see docs/rest.md) plus the optional "
                       "handling_mode and idempotency_key. Fields the Input does not know are refused with 422.",
        "properties": {
            "input_type": {"type": "string", "enum": ["prompt", "peer", "flow_step", "external_event",
                                                        "continuation", "operation"]},
            "handling_mode": {"type": "string", "enum": ["queue", "steer"]},
            "idempotency_key": {"type": "string", "minLength": 1},
            "header": ANY_OBJ},
        "additionalProperties": True},
    "AcceptOutcome": {"type": "object", "required": ["outcome_type"], "properties": {
        "outcome_type": {"type": "string", "enum": ["accepted", "deduplicated"]}, "input_id": S,
        "existing_id": S}},
    "CompletionOutcome": {"type": "object", "required": ["completion_type"], "properties": {
        "completion_type": {"type": "string", "enum": [
            "completed", "completed_without_result", "callback_pending", "callback_batch_pending", "cancelled",
            "abandoned", "abandoned_with_error", "completed_with_finalization_failure", "runtime_terminated"]}}},
    "AcceptResponse": obj({"input_id": S, "outcome": ref("AcceptOutcome"), "completion": ref("CompletionOutcome")},
                          ["input_id", "outcome"]),
    "ActiveInputs": obj({"input_ids": {"type": "array", "items": S}}, ["input_ids"]),
    "StoredInputState": {"type": "object", "description": "The runtime's stored input row (StoredInputState).",
                         "required": ["stored_input_state_version", "input_id", "current_state"],
                         "properties": {"stored_input_state_version": I, "input_id": S, "current_state": S}},
    "RuntimeStateBody": obj({"state": {"type": "string", "enum": [
        "initializing", "idle", "attached", "running", "retired", "stopped", "destroyed"]}}, ["state"]),
    "RetireReport": obj({"inputs_abandoned": I, "inputs_pending_drain": I},
                        ["inputs_abandoned", "inputs_pending_drain"]),
    "ResetReport": obj({"inputs_abandoned": I}, ["inputs_abandoned"]),
    "InterruptBody": obj({"result": {"type": "string", "enum": ["interrupted", "not_found"]}}, ["result"]),
    "SessionLLMReconfigureRequest": obj({"model": S, "provider": S, "self_hosted_server_id": S,
                                         "provider_params": {}}),
    "SessionLLMReconfigureReport": ANY_OBJ,
    "Capabilities": obj({"capabilities": {"type": ["object", "null"]}}, ["capabilities"]),
    "SessionModelRoutingStatus": ANY_OBJ,
    "SwitchTurnRequest": obj({"request_id": {"type": "string", "minLength": 1},
                              "target_model": {"type": "string", "minLength": 1},
                              "duration": {"type": "string", "enum": ["one_turn", "until_changed"]},
                              "turns": {"type": "integer", "minimum": 1}}, ["target_model"]),
    "SwitchTurnResult": obj({"result": {"type": "string", "enum": ["applied", "denied"]}, "request_id": S,
                             "target_model": S, "reason": S}, ["result", "request_id"]),
    "SessionEventRecord": obj({"session_id": S, "seq": I, "kind": {"type": "string", "enum": ["agent", "runtime"]},
                               "timestamp": S, "event": {}}, ["session_id", "seq", "kind", "timestamp", "event"]),
}

ERROR_TEXT = {
    400: "Malformed request: invalid JSON (malformed_json), a missing body, a bad query parameter (invalid_query) or header (invalid_header).",
    401: "Missing or wrong bearer token (unauthorized).",
    404: "Unknown session (session_not_found), input (input_not_found), runtime (not_found) or route (route_not_found).",
    405: "The path exists but not with this method (method_not_allowed).",
    409: "Ambiguous session prefix (ambiguous_session) or a runtime state that refuses the call (not_ready, destroyed, stale_authority).",
    413: "Request body larger than the limit (body_too_large).",
    415: "Request body that is not application/json (unsupported_media_type).",
    422: "Well-formed JSON that breaks the schema: unknown_field, invalid_request, validation_failed, unknown_model.",
    429: "The session holds too many unfinished inputs (queue_full); see Retry-After.",
    500: "Server-side failure (internal, store_error, config_error).",
    501: "The runtime does not support this operation yet (not_supported).",
    502: "The agent or model provider failed (agent_error, interrupt_dispatch_*).",
    503: "Temporarily unavailable: missing provider credentials (missing_credentials) or a runtime to retry later (recovery_backoff, *_in_progress); see Retry-After.",
}

COMMON = [401, 404, 405, 500]
BODY = [400, 413, 415, 422]
SESSION = [409, 503]
RUNTIME = [409, 422, 501, 502, 503]

def q(name, schema, desc):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": desc}

def p(name, desc):
    return {"name": name, "in": "path", "required": True, "schema": S, "description": desc}

SID = p("id", "Session id, a unique prefix of it, or `last`.")

def op(op_id, summary, ok_status, ok_schema, errors, params=(), body=None, body_required=True, content="application/json"):
    responses = {}
    if ok_schema is None:
        responses[str(ok_status)] = {"description": "No content."}
    elif isinstance(ok_schema, dict) and "text" in ok_schema:
        responses[str(ok_status)] = {"description": ok_schema["text"], "content": {ok_schema["type"]: {"schema": S}}}
    else:
        responses[str(ok_status)] = {"description": summary, "content": {content: {"schema": ref(ok_schema)}}}
    for code in sorted(set(COMMON + list(errors))):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    out = {"operationId": op_id, "summary": summary, "responses": responses}
    if params: out["parameters"] = list(params)
    if body:
        out["requestBody"] = {"required": body_required, "content": {"application/json": {"schema": ref(body)}}}
    return out

def extra(o, status, schema, desc):
    o["responses"][str(status)] = {"description": desc, "content": {"application/json": {"schema": ref(schema)}}}
    return o

paths = {
    "/health": {"get": op("health", "Liveness and the number of live sessions.", 200, "Health", [])},
    "/models": {"get": op("listModels", "The model catalog with configured self-hosted aliases.", 200, "Models", [])},
    "/metrics": {"get": op("metrics", "Prometheus metrics.", 200,
                           {"text": "Prometheus text exposition format 0.0.4.", "type": "text/plain"}, [])},
    "/openapi.json": {"get": op("openapi", "This document.", 200,
                                {"text": "The OpenAPI 3.1 document.", "type": "application/json"}, [])},
    "/sessions": {
        "post": extra(op("createSession", "Create a session, optionally with a first prompt (creation_key makes it idempotent: 200 with the existing session).",
                   201, "CreatedSession", BODY + [429, 502, 503], body="CreateSessionRequest", body_required=False),
                   200, "CreatedSession", "The session created earlier with this creation_key."),
        "get": op("listSessions", "List sessions, newest first.", 200, "SessionList", [400, 503], params=[
            q("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}, "Page size."),
            q("offset", {"type": "integer", "minimum": 0, "default": 0}, "Sessions to skip."),
            q("label", S, "key:value; repeat to require several labels."),
            q("include_archived", B, "Include archived sessions.")]),
    },
    "/sessions/{id}": {
        "get": op("readSession", "Read a session's summary.", 200, "SessionSummary", SESSION, params=[SID]),
        "delete": op("deleteSession", "Delete a session, its history and its event log.", 204, None, SESSION, params=[SID]),
    },
    "/sessions/{id}/archive": {"post": op("archiveSession", "Archive a session (its runtime stops; history is kept).",
                                          200, "SessionSummary", SESSION + BODY, params=[SID])},
    "/sessions/{id}/history": {"get": op("sessionHistory", "A page of the committed transcript, oldest first.", 200,
                                         "History", SESSION + [400], params=[SID,
            q("offset", {"type": "integer", "minimum": 0, "default": 0}, "Messages to skip."),
            q("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "Page size.")])},
    "/sessions/{id}/inputs": {
        "post": extra(op("acceptInput", "Admit an input: 202 with the AcceptOutcome, or 200 with the terminal completion when wait=true.",
                         202, "AcceptResponse", SESSION + BODY + [429, 502, 503], params=[SID,
            q("wait", B, "Wait for the input's terminal CompletionOutcome (bounded by the server's wait limit; 202 when it runs out).")],
                         body="InputRequest"), 200, "AcceptResponse", "The input reached a terminal outcome (wait=true)."),
        "get": op("activeInputs", "Ids of the session's non-terminal inputs.", 200, "ActiveInputs", SESSION + [400, 501, 502],
                  params=[SID, q("active", B, "Must be true (the default): only active inputs are listed.")]),
    },
    "/sessions/{id}/inputs/{input_id}": {"get": op("inputState", "The stored state of one input.", 200,
                                                   "StoredInputState", SESSION + [502], params=[SID, p("input_id", "Input id.")])},
    "/sessions/{id}/events": {"get": op("sessionEvents",
        "Server-Sent Events of the session: `id:` is the per-session sequence, `event:` agent, runtime or stream_truncated, `data:` a SessionEventRecord (or {requested_after, first_available}).",
        200, {"text": "text/event-stream; each data line is a SessionEventRecord.", "type": "text/event-stream"},
        SESSION + [400], params=[SID,
            {"name": "Last-Event-ID", "in": "header", "required": False, "schema": S,
             "description": "Resume after this sequence number."},
            q("after", {"type": "integer", "minimum": 0}, "Resume after this sequence number (0 replays the whole log).")])},
    "/sessions/{id}/runtime": {"get": op("runtimeState", "The runtime's lifecycle state.", 200, "RuntimeStateBody",
                                         SESSION + RUNTIME, params=[SID])},
    "/sessions/{id}/runtime/retire": {"post": op("retireRuntime", "Retire the runtime (queued inputs drain, new ones are refused).",
                                                 200, "RetireReport", SESSION + RUNTIME + BODY, params=[SID])},
    "/sessions/{id}/runtime/reset": {"post": op("resetRuntime", "Reset the runtime (non-terminal inputs are abandoned).",
                                                200, "ResetReport", SESSION + RUNTIME + BODY, params=[SID])},
    "/sessions/{id}/runtime/stop": {"post": op("stopRuntime", "Stop the runtime's executor.", 200, "RuntimeStateBody",
                                               SESSION + RUNTIME + BODY, params=[SID])},
    "/sessions/{id}/runtime/interrupt": {"post": op("interruptRuntime", "Hard-interrupt the current run (a no-op when idle).",
                                                    200, "InterruptBody", SESSION + RUNTIME + BODY, params=[SID])},
    "/sessions/{id}/llm/reconfigure": {"post": op("reconfigureLLM", "Change the session's model identity.", 200,
                                                  "SessionLLMReconfigureReport", SESSION + RUNTIME + BODY, params=[SID],
                                                  body="SessionLLMReconfigureRequest")},
    "/sessions/{id}/llm/capabilities": {"get": op("llmCapabilities", "The session's resolved LLM capabilities.", 200,
                                                  "Capabilities", SESSION + RUNTIME, params=[SID])},
    "/sessions/{id}/routing": {"get": op("routingStatus", "The session's model routing status.", 200,
                                         "SessionModelRoutingStatus", SESSION + RUNTIME, params=[SID])},
    "/sessions/{id}/routing/switch-turn": {"post": op("switchTurn", "Route the next turn(s) to another model.", 200,
                                                      "SwitchTurnResult", SESSION + RUNTIME + BODY, params=[SID],
                                                      body="SwitchTurnRequest")},
}

doc = {
    "openapi": "3.1.0",
    "info": {"title": "Meerkat REST API", "version": "0.1.0",
             "description": "Sessions, inputs, runtime control and events of a Meerkat session service (docs/rest.md)."},
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "security": [{"bearer": []}, {}],
    "paths": paths,
    "components": {
        "schemas": schemas,
        "responses": {f"E{code}": {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                      for code, text in ERROR_TEXT.items()},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "Required on every request when the server has a token."}},
    },
}

text = json.dumps(doc, indent=2, sort_keys=False) + "\n"
with open(os.path.join(ROOT, "docs", "openapi.json"), "w") as f:
    f.write(text)
assert '"""#' not in text
indented = "".join(("        " + line if line else line) + "\n" for line in text.rstrip("\n").split("\n"))
swift = ('// Generated by scripts/openapi_gen.py from its table; edit the script, not this file.\n\n'
         'extension OpenAPIDocument {\n'
         '    /// The document text (docs/openapi.json without its final newline).\n'
         '    static let text = #"""\n' + indented + '        """#\n}\n')
with open(os.path.join(ROOT, "Sources", "MeerkatServer", "REST", "OpenAPIDocument+Text.swift"), "w") as f:
    f.write(swift)
print("ok", len(paths), "paths")

import ArgumentParser
import Foundation
import MeerkatService

extension SessionCommand {
    /// `skat session switch-model <id> <model> [--turns N | --once | --until-changed]`.
    struct SwitchModel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "switch-model",
            abstract: "Route a session's next turns to another model.",
            discussion: """
                --once and --turns N route the next N assistant turns to MODEL, then back to the session's model \
                (every model request of those turns goes to MODEL, across providers). --until-changed re-points the \
                session itself at MODEL (a validated reconfiguration; the default). See docs/routing.md.
                """)
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Argument(help: "Target model (a catalog id or self-hosted alias).") var model: String
        @Option(help: "Route this many assistant turns, then restore.") var turns: Int?
        @Flag(help: "Route only the next assistant turn.") var once = false
        @Flag(name: .customLong("until-changed"), help: "Switch until changed again (reconfigures the session).")
        var untilChanged = false
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func validate() throws {
            let chosen = [turns != nil, once, untilChanged].filter { $0 }.count
            guard chosen <= 1 else { throw ValidationError("give at most one of --turns, --once, --until-changed") }
            if let turns, turns < 1 { throw ValidationError("--turns must be at least 1, got \(turns)") }
        }

        var duration: ModelSwitchDuration {
            if let turns { return .turns(turns) }
            return once ? .once : .untilChanged
        }

        func run() async throws {
            try await realm.withEnvironment { environment in
                do {
                    let service = environment.service
                    let id = try await service.resolve(SessionSelector(session))
                    let result = try await service.switchModel(id, model: model, duration: duration)
                    let status = try await service.routingStatus(id)
                    if output == .json {
                        printJSON(SwitchModelOutput(sessionID: id, result: result, status: status))
                        return
                    }
                    switch result {
                    case .applied(let request, let target, let duration):
                        Output.out("switched \(id) to \(target) \(Self.describe(duration)) (request \(request))\n")
                    case .awaitingApproval(let request, let approval):
                        Output.out("switch \(request) awaits approval \(approval)\n")
                    case .denied(let request, let reason):
                        throw SkatFailure("switch \(request) denied: \(reason)", code: SkatExit.error)
                    }
                } catch let error as ServiceError {
                    throw fail(error)
                }
            }
        }

        static func describe(_ duration: SwitchTurnDuration) -> String {
            switch duration {
            case .oneTurn: "for the next turn"
            case .turns(let count): "for the next \(count) turns"
            case .untilChanged: "until changed"
            }
        }
    }

    /// `skat session routing <id>`.
    struct Routing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session's model routing status.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in
                do {
                    let id = try await environment.service.resolve(SessionSelector(session))
                    let status = try await environment.service.routingStatus(id)
                    if output == .json {
                        printJSON(status)
                        return
                    }
                    var lines = [
                        "baseline model:  \(status.baselineModel ?? "unknown")",
                        "effective model: \(status.effectiveModel ?? "unknown")",
                        "provider:        \(status.sessionProvider ?? "unknown")",
                        "topology epoch:  \(status.topologyEpoch)",
                    ]
                    if let turn = status.activeTurnOverride {
                        lines.append(
                            "turn override:   \(turn.targetModel), \(turn.remainingTurns) turn(s) left "
                                + "(request \(turn.requestID))")
                    }
                    if let pending = status.pendingSwitchTurn {
                        lines.append(
                            "pending switch:  \(pending.targetModel) for \(pending.turns) turn(s) from the next turn "
                                + "(request \(pending.requestID))")
                    }
                    if let operation = status.activeOperationOverride {
                        lines.append(
                            "image operation: \(operation.targetModel) (operation \(operation.operationID))")
                    }
                    Output.out(lines.joined(separator: "\n") + "\n")
                } catch let error as ServiceError {
                    throw fail(error)
                }
            }
        }
    }

    /// `skat session capabilities <id>`.
    struct Capabilities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the capability surface of a session's model.")
        @OptionGroup var realm: RealmOptions
        @Argument(help: "Session id, unique prefix or `last`.") var session: String
        @Option(name: [.short, .customLong("output")]) var output: OutputFormat = .text

        func run() async throws {
            try await realm.withEnvironment { environment in
                do {
                    let id = try await environment.service.resolve(SessionSelector(session))
                    guard let surface = try await environment.service.capabilities(id) else {
                        throw SkatFailure("session \(id) has no resolved model yet", code: SkatExit.error)
                    }
                    let identity = try await environment.service.identity(id)
                    if output == .json {
                        printJSON(CapabilitiesOutput(sessionID: id, identity: identity, capabilities: surface))
                        return
                    }
                    let rows: [(String, String)] = [
                        ("model", identity.map { "\($0.model) (\($0.provider))" } ?? "unknown"),
                        ("supports_temperature", "\(surface.supportsTemperature)"),
                        ("supports_thinking", "\(surface.supportsThinking)"),
                        ("supports_reasoning", "\(surface.supportsReasoning)"),
                        ("inline_video", "\(surface.inlineVideo)"), ("vision", "\(surface.vision)"),
                        ("image_input", "\(surface.imageInput)"),
                        ("image_tool_results", "\(surface.imageToolResults)"),
                        ("supports_web_search", "\(surface.supportsWebSearch)"),
                        ("image_generation", "\(surface.imageGeneration)"), ("realtime", "\(surface.realtime)"),
                        ("call_timeout_secs", surface.callTimeoutSecs.map(String.init) ?? "none"),
                    ]
                    Output.out(
                        rows.map { "\($0.0.padding(toLength: 22, withPad: " ", startingAt: 0))\($0.1)" }
                            .joined(separator: "\n") + "\n")
                } catch let error as ServiceError {
                    throw fail(error)
                }
            }
        }
    }
}

/// `skat session switch-model -o json`.
struct SwitchModelOutput: Encodable {
    var sessionID: SessionID
    var result: SwitchTurnControlResult
    var status: SessionModelRoutingStatus

    private enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", result, requestID = "request_id", targetModel = "target_model", duration
        case reason, status
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessionID, forKey: .sessionID)
        switch result {
        case .applied(let request, let target, let duration):
            try container.encode("applied", forKey: .result)
            try container.encode(request, forKey: .requestID)
            try container.encode(target, forKey: .targetModel)
            let text: String =
                switch duration {
                case .oneTurn: "one_turn"
                case .turns(let count): "turns:\(count)"
                case .untilChanged: "until_changed"
                }
            try container.encode(text, forKey: .duration)
        case .awaitingApproval(let request, _):
            try container.encode("awaiting_approval", forKey: .result)
            try container.encode(request, forKey: .requestID)
        case .denied(let request, let reason):
            try container.encode("denied", forKey: .result)
            try container.encode(request, forKey: .requestID)
            try container.encode(reason, forKey: .reason)
        }
        try container.encode(status, forKey: .status)
    }
}

/// `skat session capabilities -o json`.
struct CapabilitiesOutput: Encodable {
    var sessionID: SessionID
    var identity: SessionLLMIdentity?
    var capabilities: SessionLLMCapabilitySurface

    private enum CodingKeys: String, CodingKey { case sessionID = "session_id", identity, capabilities }
}

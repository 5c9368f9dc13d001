import ArgumentParser
import Foundation
import Logging
import MeerkatService

/// Options every command that touches a realm accepts.
struct RealmOptions: ParsableArguments {
    @Option(name: .long, help: "Realm id (default: derived from the project directory).")
    var realm: String?

    @Option(name: .customLong("state-root"), help: "Folder holding realms (default: <project>/.skat/realms).")
    var stateRoot: String?

    @Option(name: .customLong("realm-backend"), help: "sqlite (default) or memory (nothing on disk).")
    var realmBackend: RealmBackend?

    @OptionGroup var log: LogOptions

    /// The environment options these flags describe.
    func options(overrides: [String: JSONValue] = [:]) -> ServiceEnvironmentOptions {
        var options = ServiceEnvironmentOptions(
            stateRoot: stateRoot.map { URL(fileURLWithPath: $0) }, realm: realm, backend: realmBackend,
            overrides: overrides)
        options.logger = Logger(label: "skat")
        return options
    }

    /// Where the project, realm and config files are, without creating anything.
    func context() throws -> ProjectContext {
        do {
            return try ProjectContext(options())
        } catch {
            throw SkatFailure(error.description)
        }
    }

    /// Opens the environment (creating the realm on first use), turning failures into one-line errors.
    func open(overrides: [String: JSONValue] = [:], factory: (any AgentFactory)? = nil) async throws
        -> ServiceEnvironment
    {
        let environment: ServiceEnvironment
        do {
            environment = try await ServiceEnvironment.open(options(overrides: overrides), factory: factory)
        } catch {
            throw SkatFailure(error.description)
        }
        do {
            try log.attach(realmDirectory: environment.realmDirectory)
        } catch {
            await environment.close()
            throw error
        }
        return environment
    }
}

extension RealmBackend: ExpressibleByArgument {}
extension ProviderKind: ExpressibleByArgument {}
extension ToolPreset: ExpressibleByArgument {}

extension RealmOptions {
    /// Opens the environment, runs `body`, and always closes the environment afterwards.
    func withEnvironment<T>(_ body: (ServiceEnvironment) async throws -> T) async throws -> T {
        let environment = try await open()
        do {
            let result = try await body(environment)
            await environment.close()
            return result
        } catch {
            await environment.close()
            if let serviceError = error as? ServiceError { throw fail(serviceError) }
            if let configError = error as? ConfigError { throw SkatFailure(configError.description) }
            throw error
        }
    }
}

/// `text` or `json` output.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Parses `K=V` labels.
func parseLabels(_ labels: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for label in labels {
        guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
            throw ValidationError("--label expects K=V, got '\(label)'")
        }
        out[String(label[..<equals])] = String(label[label.index(after: equals)...])
    }
    return out
}

/// Writes a value as stable, key-sorted JSON on one line.
func printJSON(_ value: some Encodable) {
    let encoder = WireJSON.encoder()
    if let data = try? encoder.encode(value) { Output.out(String(decoding: data, as: UTF8.self) + "\n") }
}

/// Maps a service error to a one-line failure.
func fail(_ error: ServiceError) -> SkatFailure {
    SkatFailure(error.description)
}

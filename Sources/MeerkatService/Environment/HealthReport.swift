import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatSQLite
import NIOCore
import NIOHTTP1

/// One finding of a health check.
public struct HealthCheck: Sendable, Hashable, Codable {
    /// How a finding reads.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Works.
        case ok
        /// Broken: the host should not be used until it is fixed.
        case fail
        /// Neither: something absent that is allowed to be absent (no key for one provider, no realm yet).
        case info
    }

    /// Short name of what was checked (`key.anthropic`, `config`, `realm`, `database`, `self_hosted.<id>`, `model`).
    public var name: String
    public var status: Status
    /// One line for a person.
    public var message: String

    public init(name: String, status: Status, message: String) {
        self.name = name
        self.status = status
        self.message = message
    }
}

/// What `skat doctor` and a server's health endpoint report: keys, config files, the realm and its database,
/// self-hosted servers. Read-only: the realm is opened only when it already exists.
public struct HealthReport: Sendable, Hashable, Codable {
    public var checks: [HealthCheck]

    /// Whether no check failed.
    public var healthy: Bool { !checks.contains { $0.status == .fail } }

    /// Runs every check for the project and realm `options` name.
    public static func check(_ options: ServiceEnvironmentOptions, probeTimeout: Duration = .seconds(3)) async
        -> HealthReport
    {
        var checks: [HealthCheck] = []
        let credentials = CredentialResolver(environment: options.environment)
        var anyKey = false
        for provider in [ProviderKind.anthropic, .openai, .gemini] {
            if let key = credentials.apiKey(for: provider) {
                anyKey = true
                checks.append(
                    .init(name: "key.\(provider)", status: .ok, message: "\(provider) key found (\(key.source))"))
            } else {
                let variables = CredentialResolver.variables(for: provider).joined(separator: " or ")
                checks.append(
                    .init(name: "key.\(provider)", status: .info, message: "no \(provider) key (set \(variables))"))
            }
        }
        let context: ProjectContext
        let config: MeerkatConfig
        do {
            context = try ProjectContext(options)
        } catch {
            checks.append(.init(name: "realm", status: .fail, message: error.description))
            return HealthReport(checks: checks)
        }
        do {
            let layers = try context.configLayers()
            for file in layers.files {
                checks.append(
                    .init(
                        name: "config.\(file.kind.rawValue)", status: file.read ? .ok : .info,
                        message: file.read
                            ? "read \(file.kind.rawValue) config \(file.url.path)"
                            : "no \(file.kind.rawValue) config at \(file.url.path)"))
            }
            config = try layers.resolve()
            let read = layers.files.filter(\.read)
            checks.append(
                .init(
                    name: "config", status: .ok,
                    message: read.isEmpty
                        ? "config: built-in defaults (no config file present)"
                        : "config valid (\(read.count) file\(read.count == 1 ? "" : "s") read)"))
        } catch {
            checks.append(.init(name: "config", status: .fail, message: "config: \(error)"))
            return HealthReport(checks: checks)
        }
        checks += realmChecks(context)
        checks.append(executorCheck())
        for (id, server) in config.selfHosted.servers.sorted(by: { $0.key < $1.key }) {
            checks.append(await probe(id: id, baseURL: server.baseURL, timeout: probeTimeout))
        }
        if !anyKey && config.selfHosted.servers.isEmpty {
            checks.append(
                .init(
                    name: "model", status: .fail,
                    message: "no provider key and no self-hosted server: `skat run` has no model to use"))
        }
        return HealthReport(checks: checks)
    }

    /// Which executor runs the process's tasks (`MEERKAT_EXECUTOR`).
    static func executorCheck() -> HealthCheck {
        let message =
            switch ProcessExecutor.installed {
            case .nio: "tasks run on NIO's event loops (\(ProcessExecutor.environmentVariable)=nio)"
            case .swift: "tasks run on Swift's global executor (\(ProcessExecutor.environmentVariable)=swift)"
            }
        return HealthCheck(name: "executor", status: .info, message: message)
    }

    /// The realm's location and, when it exists on disk, its manifest and database integrity.
    private static func realmChecks(_ context: ProjectContext) -> [HealthCheck] {
        let id = context.realmID
        if context.options.backend == .memory {
            return [.init(name: "realm", status: .info, message: "realm \(id): memory backend, nothing on disk")]
        }
        guard context.realmExists else {
            return [
                .init(
                    name: "realm", status: .info,
                    message: "realm \(id) at \(context.realmDirectory.path) not created yet "
                        + "(the first `skat run` creates it)")
            ]
        }
        let realm: Realm
        do {
            realm = try Realm.open(stateRoot: context.stateRoot, realmID: context.realmKey)
        } catch {
            return [.init(name: "realm", status: .fail, message: "realm: \(error)")]
        }
        defer { try? realm.close() }
        var checks = [
            HealthCheck(
                name: "realm", status: .ok,
                message: "realm \(id) at \(realm.directory.path) (\(realm.manifest.backend.rawValue))")
        ]
        if let database = realm.database {
            do {
                try database.checkIntegrity()
                checks.append(.init(name: "database", status: .ok, message: "database integrity"))
            } catch {
                checks.append(.init(name: "database", status: .fail, message: "database integrity: \(error)"))
            }
        }
        return checks
    }

    /// `GET <base>/models` on a self-hosted server: any answer below 500 counts as reachable.
    private static func probe(id: String, baseURL: String, timeout: Duration) async -> HealthCheck {
        let url = baseURL.hasSuffix("/") ? baseURL + "models" : baseURL + "/models"
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            return .init(
                name: "self_hosted.\(id)", status: response.status.code < 500 ? .ok : .fail,
                message: "self-hosted server \(id) at \(url): HTTP \(response.status.code)")
        } catch {
            return .init(
                name: "self_hosted.\(id)", status: .fail, message: "self-hosted server \(id) at \(url): \(error)")
        }
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

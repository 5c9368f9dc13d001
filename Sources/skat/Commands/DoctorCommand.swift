import ArgumentParser
import AsyncHTTPClient
import Foundation
import MeerkatProviders
import MeerkatService

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check API keys, the realm, the config and self-hosted servers.")
    @OptionGroup var realm: RealmOptions

    func run() async throws {
        var problems = 0
        func report(_ ok: Bool, _ text: String) {
            Output.out("\(ok ? "ok  " : "FAIL") \(text)\n")
            if !ok { problems += 1 }
        }
        let credentials = CredentialResolver()
        var anyKey = false
        for provider in [ProviderKind.anthropic, .openai, .gemini] {
            let variables = CredentialResolver.variables(for: provider)
            if let key = credentials.apiKey(for: provider) {
                anyKey = true
                Output.out("ok   \(provider) key found (\(key.source))\n")
            } else {
                Output.out("--   no \(provider) key (set \(variables.joined(separator: " or ")))\n")
            }
        }
        // Read-only: the config files are read first, and the realm is only opened when it already exists.
        let context = try realm.context()
        let config: SkatConfig
        do {
            let layers = try context.configLayers()
            for file in layers.files {
                Output.out(
                    file.read
                        ? "ok   read \(file.kind.rawValue) config \(file.url.path)\n"
                        : "--   no \(file.kind.rawValue) config at \(file.url.path)\n")
            }
            config = try layers.resolve()
            let read = layers.files.filter(\.read).map(\.url.lastPathComponent)
            report(
                true,
                read.isEmpty
                    ? "config: built-in defaults (no config file present)"
                    : "config valid (\(read.count) file\(read.count == 1 ? "" : "s") read)")
        } catch {
            report(false, "config: \(error)")
            throw SkatExitCode(code: SkatExit.error)
        }
        if realm.realmBackend == .memory {
            Output.out("--   realm \(context.realmID.rawValue): memory backend, nothing on disk\n")
        } else if !context.realmExists {
            Output.out(
                "--   realm \(context.realmID.rawValue) at \(context.realmDirectory.path) not created yet "
                    + "(the first `skat run` creates it)\n")
        } else {
            do {
                let environment = try await realm.open()
                report(
                    true,
                    "realm \(environment.realm.id.rawValue) at \(environment.realm.directory.path) (\(environment.realm.manifest.backend.rawValue))"
                )
                if let database = environment.realm.database {
                    do {
                        try database.checkIntegrity()
                        report(true, "database integrity")
                    } catch {
                        report(false, "database integrity: \(error)")
                    }
                }
                await environment.close()
            } catch {
                report(false, "realm: \(error)")
            }
        }
        let servers = config.selfHosted.servers
        for (id, server) in servers.sorted(by: { $0.key < $1.key }) {
            let url = server.baseURL.hasSuffix("/") ? server.baseURL + "models" : server.baseURL + "/models"
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .GET
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3))
                report(response.status.code < 500, "self-hosted server \(id) at \(url): HTTP \(response.status.code)")
            } catch {
                report(false, "self-hosted server \(id) at \(url): \(error)")
            }
        }
        if !anyKey && servers.isEmpty {
            report(false, "no provider key and no self-hosted server: `skat run` has no model to use")
        }
        if problems > 0 { throw SkatExitCode(code: SkatExit.error) }
    }
}

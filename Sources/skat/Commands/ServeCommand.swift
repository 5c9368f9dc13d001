import ArgumentParser
import Foundation
import Logging
import MeerkatServer
import MeerkatService
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the realm's sessions over REST + Server-Sent Events (see docs/rest.md).",
        discussion: """
            Listens on 127.0.0.1:8080 by default. Any non-loopback --host needs a token (--auth-token-file or \
            SKAT_AUTH_TOKEN); with a token every request must send `Authorization: Bearer <token>`. SIGTERM or \
            Ctrl-C stops accepting requests, lets unfinished inputs finish (up to --shutdown-timeout), flushes \
            the realm and exits 0. GET /openapi.json describes the API.
            """)

    @OptionGroup var realm: RealmOptions
    @Option(help: "Interface to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one; the bound port is printed).") var port = 8080
    @Option(name: .customLong("auth-token-file"), help: "File holding the bearer token every request must send.")
    var authTokenFile: String?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body (default 4 MiB).")
    var maxBodyBytes = 4 * 1024 * 1024
    @Option(name: .customLong("queue-limit"), help: "Unfinished inputs a session may hold before 429 (default 64).")
    var queueLimit = 64
    @Option(name: .customLong("shutdown-timeout"), help: "Seconds a shutdown waits for unfinished inputs.")
    var shutdownTimeout = 30
    @Option(name: .customLong("cors-origin"), help: "Allow this origin by CORS (off by default).")
    var corsOrigin: String?

    func run() async throws {
        var token: BearerToken?
        do {
            if let authTokenFile {
                token = try BearerToken.load(file: authTokenFile)
            } else if let text = ProcessInfo.processInfo.environment["SKAT_AUTH_TOKEN"] {
                token = BearerToken(text)
            }
        } catch let error as APIError {
            throw SkatFailure(error.message)
        }
        let configuration = RESTServerConfiguration(
            host: host, port: port, token: token, limits: ServerLimits(maxBodyBytes: maxBodyBytes),
            corsOrigin: corsOrigin)
        do {
            // Refused before the realm is opened: nothing is created for a configuration that cannot run.
            try configuration.validate()
        } catch {
            throw SkatFailure(error.message)
        }
        var options = realm.options()
        options.service.maxActiveInputsPerSession = queueLimit > 0 ? queueLimit : nil
        let environment: ServiceEnvironment
        do {
            environment = try await ServiceEnvironment.open(options)
        } catch {
            throw SkatFailure(error.description)
        }
        let logger = Logger(label: "skat.serve")
        let server: RESTServer
        do {
            server = try RESTServer(service: environment.service, configuration: configuration, logger: logger)
        } catch {
            await environment.close()
            throw SkatFailure(error.message)
        }
        let host = host
        let group = ServiceGroup(
            services: [
                server.application { port in
                    Output.out("skat serve listening on http://\(host):\(port)\n")
                }
            ], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        do {
            try await group.run()
        } catch {
            await environment.close()
            throw SkatFailure("server failed: \(error)")
        }
        let drained = await environment.service.drainActiveInputs(timeout: .seconds(shutdownTimeout))
        if !drained { logger.warning("shutdown timeout: unfinished inputs resume after the next start") }
        await environment.close()
        Output.err("skat serve stopped\n")
    }
}

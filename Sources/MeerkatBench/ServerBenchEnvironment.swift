import Foundation
import MeerkatService

/// The service the server benchmarks (`rest`, `rpc`) put behind their surface: a fresh project folder with a realm of
/// `backend`, one self-hosted model served by the mock on `mockPort`, no tools, and no queue limit (the benchmarks
/// measure admission, not the limit's refusals).
enum ServerBenchEnvironment {
    static func open(backend: RealmBackend, mockPort: Int, label: String) async throws -> (ServiceEnvironment, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("meerkat-\(label)-bench-\(UUID())")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        var options = ServiceEnvironmentOptions(
            backend: backend, currentDirectory: folder, userConfig: .none,
            environment: [
                "HOME": folder.path, "SKAT_CEILING_DIRECTORIES": folder.deletingLastPathComponent().path,
            ],
            overrides: [
                "agent": ["model": "mock-model"],
                "self_hosted": [
                    "servers": ["mock": ["base_url": .string("http://127.0.0.1:\(mockPort)/v1")]],
                    "models": [
                        "mock-model": ["server": "mock", "remote_model": "mock-model", "context_window": 32000]
                    ],
                ],
                "tools": ["preset": "none"],
            ])
        options.service.maxActiveInputsPerSession = nil
        return (try await ServiceEnvironment.open(options), folder)
    }
}

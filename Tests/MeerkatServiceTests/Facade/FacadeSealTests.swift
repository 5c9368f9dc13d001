import Foundation
import Testing

/// The surfaces see the service facade only: `skat`, the servers and the mock executable import `MeerkatService`
/// (plus their own frameworks), never the implementation modules behind it. The surfaces compile with
/// `MemberImportVisibility`; SwiftPM on Linux still resolves an import of a module that is merely built alongside, so
/// this test names any such import by file and line.
@Suite struct FacadeSealTests {
    /// Project modules each surface may import.
    static let allowed: [String: Set<String>] = [
        "skat": ["MeerkatService", "MeerkatServer"],
        "MeerkatServer": ["MeerkatService"],
        "MeerkatMock": ["MeerkatService", "MeerkatTesting"],
    ]

    static let projectModules: Set<String> = [
        "MeerkatCore", "MeerkatRuntime", "MeerkatProviders", "MeerkatSQLite", "MeerkatTools", "MeerkatService",
        "MeerkatServer", "MeerkatTesting", "MeerkatMCPTestServer",
    ]

    @Test(arguments: ["skat", "MeerkatServer", "MeerkatMock"])
    func surfaceImportsOnlyTheFacade(target: String) throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/\(target)")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(!files.isEmpty, "no sources found for \(target)")
        var offences: [String] = []
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() {
                let words = line.split(separator: " ").map(String.init)
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
                guard
                    words[..<index].allSatisfy({
                        ["@_exported", "public", "internal", "package", "@preconcurrency"].contains($0)
                    })
                else { continue }
                let module = words[index + 1].split(separator: ".").first.map(String.init) ?? ""
                if Self.projectModules.contains(module), !(Self.allowed[target] ?? []).contains(module) {
                    offences.append("\(file.lastPathComponent):\(number + 1): import \(module)")
                }
            }
        }
        #expect(offences.isEmpty, "\(target) reaches past the facade: \(offences)")
    }
}

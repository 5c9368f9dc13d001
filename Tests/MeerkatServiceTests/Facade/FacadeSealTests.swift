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

    /// Every library target compiles with `InternalImportsByDefault` and `MemberImportVisibility` (the `library`
    /// settings): a module its public API exposes is a `public import`, and using a module's members without
    /// importing it fails the build.
    @Test func libraryTargetsUseTheLibrarySettings() throws {
        let manifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Package.swift")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        #expect(text.contains(#".enableUpcomingFeature("InternalImportsByDefault")"#))
        let libraries = [
            "MeerkatCore", "MeerkatRuntime", "MeerkatProviders", "MeerkatSQLite", "MeerkatTools", "MeerkatService",
            "MeerkatServer", "MeerkatTesting",
        ]
        for library in libraries {
            guard
                let start = text.range(of: ".target(name: \"\(library)\"") ?? text.range(of: "name: \"\(library)\",\n")
            else {
                Issue.record("no target \(library) in Package.swift")
                continue
            }
            let settings = text[start.upperBound...].range(of: "swiftSettings: ")
            let value = settings.map { text[$0.upperBound...].prefix(while: { $0.isLetter }) }
            #expect(value == "library", "\(library) uses \(value.map(String.init) ?? "no") settings")
        }
    }
}

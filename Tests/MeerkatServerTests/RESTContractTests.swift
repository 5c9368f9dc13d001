import Foundation
import MeerkatCore
import MeerkatServer
import Testing

/// The committed OpenAPI document and the router describe the same API.
@Suite("REST OpenAPI contract")
struct RESTContractTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        let harness = try await RESTHarness.start()
        let routed = Set(harness.server.routes.map { "\($0.method) \($0.path)" })
        #expect(routed.count == harness.server.routes.count, "no route registered twice")
        let documented = OpenAPIContract.operations
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from the document")
        #expect(documented.subtracting(routed).sorted() == [], "documented operations without a route")
        // Request bodies: a route validates against the schema the document names for it.
        for route in harness.server.routes {
            let schema = OpenAPIDocument.json["paths"]?[route.path]?[route.method.lowercased()]?["requestBody"]?[
                "content"]?["application/json"]?["schema"]?["$ref"]?.stringValue
            #expect(schema?.split(separator: "/").last.map(String.init) == route.requestSchema, "\(route)")
        }
        try await harness.stop()
    }

    @Test func theServedDocumentIsTheCommittedOneAndItsSchemasCompile() async throws {
        let harness = try await RESTHarness.start()
        let served = try await harness.request(.GET, "/openapi.json")
        #expect(served.status == 200)
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        #expect(served.body == (try Data(contentsOf: docs)), "docs/openapi.json is the served document")
        #expect(OpenAPIDocument.json["openapi"]?.stringValue == "3.1.0")
        guard case .object(let schemas)? = OpenAPIDocument.json["components"]?["schemas"] else {
            Issue.record("components.schemas")
            return
        }
        for name in schemas.keys {
            #expect(throws: Never.self, "\(name)") { _ = try OpenAPIDocument.validator(schema: name) }
        }
        try await harness.stop()
    }
}

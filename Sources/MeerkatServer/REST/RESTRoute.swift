import Foundation
import HTTPTypes
import Hummingbird

/// One operation of the REST surface as registered on the router: method, OpenAPI-style path template
/// (`/sessions/{id}`) and the `components.schemas` name of its JSON request body, if it takes one.
public struct RESTRoute: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var requestSchema: String?

    public var description: String { "\(method) \(path)" }
}

/// Registers handlers on a Hummingbird router and records every route, so the route list that tests compare with
/// the OpenAPI document is exactly what the router serves.
struct RouteRegistrar {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response
    let router: Router<BasicRequestContext>
    private(set) var routes: [RESTRoute] = []

    init(router: Router<BasicRequestContext>) {
        self.router = router
    }

    mutating func add(
        _ method: HTTPRequest.Method, _ path: String, body schema: String? = nil, _ handler: @escaping Handler
    ) {
        routes.append(RESTRoute(method: method.rawValue, path: path, requestSchema: schema))
        // OpenAPI `{name}` becomes Hummingbird's `:name`.
        let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(hummingbirdPath), method: method) { request, context in
            try await handler(request, context)
        }
    }
}

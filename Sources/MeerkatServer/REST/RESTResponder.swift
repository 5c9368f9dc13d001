import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MeerkatService
import NIOCore

/// Wraps the router: authentication, the JSON error body for every failure (including the router's own 404s and
/// body-size errors), metrics and CORS, for every request whether a route matched or not.
struct RESTResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    let inner: Inner
    let token: BearerToken?
    let metrics: RESTMetrics
    let routes: [RESTRoute]
    let corsOrigin: String?
    let logger: Logger

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        if let corsOrigin, request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            // A browser's CORS preflight carries no credentials: answered before authentication, and only when CORS
            // is on (off, OPTIONS is an unknown method like any other).
            response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = corsOrigin
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Last-Event-ID"
            response.headers[.accessControlMaxAge] = "600"
        } else if let token, !token.authorizes(request.headers[.authorization]) {
            response = Self.errorResponse(
                APIError(status: 401, code: "unauthorized", message: "missing or wrong bearer token"))
            response.headers[.wwwAuthenticate] = "Bearer"
        } else {
            do {
                response = try await inner.respond(to: request, context: context)
                // The router answers unmatched paths and methods itself, without a body: give them the JSON error.
                if response.headers[.contentType] == nil, response.status == .notFound {
                    response = Self.errorResponse(
                        APIError(status: 404, code: "route_not_found", message: "no such route"))
                } else if response.headers[.contentType] == nil, response.status == .methodNotAllowed {
                    response = Self.errorResponse(
                        APIError(status: 405, code: "method_not_allowed", message: "method not allowed here"))
                }
            } catch {
                let apiError = Self.apiError(error)
                if apiError.status == 500 {
                    // The message is built from typed errors; tokens and keys never reach it.
                    logger.error(
                        "request failed",
                        metadata: ["path": .string(request.uri.path), "error": .string(apiError.description)])
                }
                response = Self.errorResponse(apiError)
            }
        }
        if let corsOrigin {
            response.headers[.accessControlAllowOrigin] = corsOrigin
        }
        let route = RESTRoute.template(of: request.uri.path, in: routes) ?? "unmatched"
        metrics.record(
            method: request.method.rawValue, route: route, status: Int(response.status.code),
            duration: ContinuousClock.now - start)
        return response
    }

    static func apiError(_ error: any Error) -> APIError {
        if let error = error as? any HTTPResponseError {
            let status = Int(error.status.code)
            switch status {
            case 404: return APIError(status: 404, code: "route_not_found", message: "no such route")
            case 405: return APIError(status: 405, code: "method_not_allowed", message: "method not allowed here")
            case 413:
                return APIError(status: 413, code: "body_too_large", message: "request body exceeds the size limit")
            case 400..<500:
                return APIError(status: status, code: "bad_request", message: "\(error.status.reasonPhrase)")
            default: return APIError(status: 500, code: "internal", message: "internal error")
            }
        }
        return ErrorMapping.apiError(error)
    }

    static func errorResponse(_ error: APIError) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retry = error.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        let data = (try? WireJSON.encoder().encode(error.body)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension RESTRoute {
    /// The template of the route whose path matches `path` (`/sessions/{id}` for `/sessions/abc`).
    static func template(of path: String, in routes: [RESTRoute]) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        for route in routes {
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return route.path }
        }
        return nil
    }
}

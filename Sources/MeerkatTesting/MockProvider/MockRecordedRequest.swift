import Foundation
public import MeerkatCore

/// One request the mock received, exactly as it arrived.
public struct MockRecordedRequest: Sendable {
    /// HTTP method.
    public var method: String
    /// Path without the query string.
    public var path: String
    /// Query parameters (last value wins).
    public var query: [String: String]
    /// Headers in arrival order.
    public var headers: [(name: String, value: String)]
    /// Raw body bytes.
    public var body: [UInt8]
    /// The dialect the path routed to, if any.
    public var dialect: MockDialect?

    /// Creates a record.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], dialect: MockDialect? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.dialect = dialect
    }

    /// The first value of a header (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body as text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, if it is JSON.
    public var json: JSONValue? { try? JSONValue.parse(Data(body)) }

    /// The model the request asked for: the body's `model`, or for Gemini the model named in the path.
    public var model: String? {
        if let model = json?["model"]?.stringValue { return model }
        return MockDialect.route(path: path)?.pathModel
    }

    /// The endpoint (method and path) the request went to, e.g. `POST /v1/messages`.
    public var endpoint: String { "\(method) \(path)" }
}

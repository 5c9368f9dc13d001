import MeerkatCore
extension MockRecordedRequest {
    /// The image endpoint the path routed to, if any.
    public var imageEndpoint: MockImageEndpoint? { MockImageEndpoint.route(path: path)?.endpoint }

    /// The model an image request asked for (OpenAI body `model`, Gemini path); nil for other requests.
    public var imageModel: String? {
        guard let route = MockImageEndpoint.route(path: path) else { return nil }
        return route.pathModel ?? json?["model"]?.stringValue
    }
}

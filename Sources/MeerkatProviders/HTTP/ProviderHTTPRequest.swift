/// One provider call as bytes on the wire: a POST of a JSON body.
struct ProviderHTTPRequest: Sendable {
    /// Absolute URL.
    var url: String
    /// Request headers (credentials included; never logged).
    var headers: [(name: String, value: String)]
    /// The JSON body.
    var body: [UInt8]
}

/// Base-URL handling shared by the clients.
enum BaseURL {
    /// The first of: the explicit value, the environment variable, the default; without trailing slashes.
    static func resolve(_ explicit: String?, environmentKey: String?, environment: [String: String], default: String)
        -> String
    {
        let fromEnvironment = environmentKey.flatMap { environment[$0] }
        let chosen = [explicit, fromEnvironment].compactMap { $0 }.first { !$0.isEmpty } ?? `default`
        return trimmingTrailingSlashes(chosen)
    }

    /// `url` with exactly one trailing `suffix` path segment (users paste `http://host:port`, `.../v1` or
    /// `.../v1/`; PROVIDERS.md §5).
    static func ensuring(_ suffix: String, on url: String) -> String {
        var trimmed = trimmingTrailingSlashes(url)
        if trimmed.hasSuffix("/" + suffix) { trimmed.removeLast(suffix.count + 1) }
        return trimmed + "/" + suffix
    }

    static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// Request headers shared by the OpenAI-style clients.
enum OpenAIHeaders {
    static func make(apiKey: APIKey?, organization: String?, project: String?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("accept", "text/event-stream"),
        ]
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey.value)")) }
        if let organization { headers.append(("openai-organization", organization)) }
        if let project { headers.append(("openai-project", project)) }
        return headers
    }
}

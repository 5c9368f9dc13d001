/// What an agent factory needs to offer `generate_image`: the session's image-operation routing, where generated
/// bytes go, and the default image model. Without it the tool is not offered (even in `workspace`/`full`).
public struct ImageGenerationWiring: Sendable {
    /// The runtime's image-operation protocol (the session service, once it implements §14).
    public var routing: any ImageOperationRouting
    /// Where generated images are committed (the realm's blob store; in memory for `memory` realms).
    public var store: any GeneratedImageStore
    /// The model used when a call names none.
    public var defaultModel: String

    /// Creates a wiring.
    public init(
        routing: any ImageOperationRouting, store: any GeneratedImageStore, defaultModel: String = "gpt-image-1"
    ) {
        self.routing = routing
        self.store = store
        self.defaultModel = defaultModel
    }
}

/// What the active model can do with tools, as far as tool visibility is concerned.
///
/// Filled from the model profile by the service layer (MeerkatTools does not depend on the provider catalog).
public struct ModelToolCapabilities: Sendable, Hashable, Codable {
    /// Whether tool results may contain images; without it `view_image` is hidden.
    public var imageToolResults: Bool

    private enum CodingKeys: String, CodingKey {
        case imageToolResults = "image_tool_results"
    }

    /// Capabilities with every flag given (default: everything supported).
    public init(imageToolResults: Bool = true) {
        self.imageToolResults = imageToolResults
    }

    /// True when the model cannot use `tool`.
    public func hides(_ tool: BuiltinToolName) -> Bool {
        switch tool {
        case .viewImage: !imageToolResults
        default: false
        }
    }
}

import Foundation
public import MeerkatCore

/// `view_image {path}`: returns a PNG, JPEG, GIF or WebP file from the project as an image block.
///
/// The type is detected from the file's leading bytes; files over `maxBytes` are refused. Only offered to
/// models whose tool results may carry images (see `ModelToolCapabilities`).
public struct ViewImageTool: Tool {
    private let root: ProjectRoot
    private let maxBytes: Int

    /// A viewer confined to `root` accepting images up to `maxBytes` (default 5 MB).
    public init(root: ProjectRoot, maxBytes: Int = 5 * 1024 * 1024) {
        self.root = root
        self.maxBytes = maxBytes
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.viewImage.rawValue,
            description:
                "View an image file from the project (PNG, JPEG, GIF or WebP, at most \(maxBytes / 1024 / 1024) MB).",
            inputSchema: ToolSchema.object(
                ["path": ToolSchema.string("Image path, relative to the project root (or absolute inside it).")],
                required: ["path"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let path = try root.resolve(try args.requiredString("path"))
        let display = root.displayPath(path)
        let info = try FileAccess.requireRegularFile(path, display: display)
        guard info.size <= maxBytes else {
            throw ToolError.executionFailed("'\(display)' is \(info.size) bytes, over the \(maxBytes)-byte image limit")
        }
        let bytes = try FileAccess.readBytes(path, display: display)
        guard let format = ImageFormat.detect(bytes) else {
            throw ToolError.executionFailed("'\(display)' is not a PNG, JPEG, GIF or WebP image")
        }
        return ToolOutput(content: [
            .text("\(display) (\(format.mediaType), \(bytes.count) bytes)"),
            .image(mediaType: format.mediaType, source: .inline(data: Data(bytes).base64EncodedString())),
        ])
    }
}

import MeerkatCore

/// Turns a `tools/call` result into a `ToolOutput`: text → text, image (base64) → inline image block,
/// embedded text resources → their text, other content → a short placeholder; `isError` → error output.
enum MCPContentMapper {
    static func output(from result: JSONValue) -> ToolOutput {
        var blocks: [ContentBlock] = []
        for item in result["content"]?.arrayValue ?? [] {
            blocks.append(block(item))
        }
        if blocks.isEmpty, let structured = result["structuredContent"], structured != .null {
            blocks.append(.text(structured.compactText()))
        }
        return ToolOutput(content: blocks, isError: result["isError"]?.boolValue ?? false)
    }

    private static func block(_ item: JSONValue) -> ContentBlock {
        switch item["type"]?.stringValue {
        case "text":
            return .text(item["text"]?.stringValue ?? "")
        case "image":
            guard let data = item["data"]?.stringValue else { return .structured(item) }
            return .image(mediaType: item["mimeType"]?.stringValue ?? "image/png", source: .inline(data: data))
        case "audio":
            return .text("[audio \(item["mimeType"]?.stringValue ?? "") omitted]")
        case "resource":
            let resource = item["resource"] ?? .null
            if let text = resource["text"]?.stringValue { return .text(text) }
            let uri = resource["uri"]?.stringValue ?? "?"
            return .text("[resource \(uri)\(resource["mimeType"]?.stringValue.map { " (\($0))" } ?? "")]")
        case "resource_link":
            let uri = item["uri"]?.stringValue ?? "?"
            return .text("[resource link \(item["name"]?.stringValue ?? uri): \(uri)]")
        default:
            return .structured(item)
        }
    }
}

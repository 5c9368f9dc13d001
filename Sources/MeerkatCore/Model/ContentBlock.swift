import Foundation

/// Where an image's bytes live: inline base64 or a content-addressed blob in the realm.
public enum ImageSource: Sendable, Hashable, Codable {
    /// Base64-encoded bytes carried inline.
    case inline(data: String)
    /// A reference to realm blob storage (`sha256:<hex>`).
    case blob(blobID: String)

    private enum CodingKeys: String, CodingKey { case type, data, blobID = "blob_id" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "inline": self = .inline(data: try container.decode(String.self, forKey: .data))
        case "blob": self = .blob(blobID: try container.decode(String.self, forKey: .blobID))
        case let other: throw TaggedCoding.unknownTag(other, key: "type", expected: ["inline", "blob"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .inline(let data):
            try container.encode("inline", forKey: .type)
            try container.encode(data, forKey: .data)
        case .blob(let blobID):
            try container.encode("blob", forKey: .type)
            try container.encode(blobID, forKey: .blobID)
        }
    }
}

/// A block of user, notice or tool-result content (tag `type`).
public enum ContentBlock: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// An image with its media type (`image/png`, ...).
    case image(mediaType: String, source: ImageSource)
    /// Opaque structured data from a tool; models see its JSON text.
    case structured(JSONValue)

    private enum CodingKeys: String, CodingKey { case type, text, mediaType = "media_type", source, data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "image":
            self = .image(
                mediaType: try container.decode(String.self, forKey: .mediaType),
                source: try container.decode(ImageSource.self, forKey: .source))
        case "structured": self = .structured(try container.decode(JSONValue.self, forKey: .data))
        case let other:
            throw TaggedCoding.unknownTag(other, key: "type", expected: ["text", "image", "structured"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .image(let mediaType, let source):
            try container.encode("image", forKey: .type)
            try container.encode(mediaType, forKey: .mediaType)
            try container.encode(source, forKey: .source)
        case .structured(let data):
            try container.encode("structured", forKey: .type)
            try container.encode(data, forKey: .data)
        }
    }

    /// The text a model sees for this block (images become a placeholder).
    public var textProjection: String {
        switch self {
        case .text(let text): text
        case .image(let mediaType, _): "[image \(mediaType)]"
        case .structured(let data): data.compactText()
        }
    }
}

/// User-supplied content: a plain string or multimodal blocks (string or array on the wire).
public enum ContentInput: Sendable, Hashable, Codable {
    case text(String)
    case blocks([ContentBlock])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .blocks(try container.decode([ContentBlock].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .blocks(let blocks): try container.encode(blocks)
        }
    }

    /// The content as blocks (a text input becomes one text block; empty text becomes none).
    public var blocks: [ContentBlock] {
        switch self {
        case .text(let text): text.isEmpty ? [] : [.text(text)]
        case .blocks(let blocks): blocks
        }
    }

    /// All text joined by newlines (images omitted).
    public var text: String {
        switch self {
        case .text(let text): text
        case .blocks(let blocks):
            blocks.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined(separator: "\n")
        }
    }

    /// True when there is no text and no block.
    public var isEmpty: Bool {
        switch self {
        // Character-wise: stops at the first visible character (no Foundation character-set trimming).
        case .text(let text): text.allSatisfy(\.isWhitespace)
        case .blocks(let blocks): blocks.isEmpty
        }
    }
}

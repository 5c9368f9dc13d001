/// A provider credential whose text never appears in logs, descriptions, dumps or mirrors.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; read it only to build a request header.
    public let value: String
    /// Where it came from (an environment variable name, `explicit`, ...), safe to show.
    public let source: String

    /// Wraps a secret.
    public init(_ value: String, source: String = "explicit") {
        self.value = value
        self.source = source
    }

    public var description: String { "APIKey(<redacted>, from \(source))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source], displayStyle: .struct) }
}

/// Reads a JSON document value by value, without building a `JSONValue` tree of it.
///
/// A streamed model answer is hundreds of small chunks, and a chunk's reader wants a handful of its fields: parsing
/// each chunk into a tree made a dictionary (and hashed every key) for every object of every chunk. A cursor walks the
/// same bytes with the same rules as `JSONValue.parse` (RFC 8259, the same nesting limit, the same refusals): a
/// document the parser refuses makes the cursor throw, whatever the reader asked for.
///
/// Use it through `JSONValue.read(_:_:)`: the cursor stands on the document's value; each call consumes exactly one
/// value, and `members`/`elements` hand the cursor back standing on each member's or element's value, which the body
/// must consume (with `skip()` when it does not want it).
public struct JSONCursor: ~Copyable {
    /// What the value under the cursor is.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    private var reader: JSONByteReader

    init(_ reader: consuming JSONByteReader) {
        self.reader = reader
    }

    /// The kind of the value under the cursor (nil at a byte no JSON value starts with: reading it throws).
    public var kind: Kind? {
        guard reader.index < reader.bytes.count else { return nil }
        switch reader.bytes[reader.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// Reads an object member by member: `body` gets each key with the cursor on its value, in document order
    /// (a key written twice comes twice). Throws unless the value is an object.
    public mutating func members(
        _ body: (inout JSONCursor, String) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) {
        guard kind == .object else { throw reader.failure("expected an object") }
        try reader.readObject { reader, key throws(JSONValue.ParseError) in
            try Self.visit(&reader, "a member's value") { cursor throws(JSONValue.ParseError) in
                try body(&cursor, key)
            }
        }
    }

    /// Reads an array element by element: `body` gets the cursor on each element. Throws unless the value is an
    /// array.
    public mutating func elements(_ body: (inout JSONCursor) throws(JSONValue.ParseError) -> Void)
        throws(JSONValue.ParseError)
    {
        guard kind == .array else { throw reader.failure("expected an array") }
        try reader.readArray { reader throws(JSONValue.ParseError) in try Self.visit(&reader, "an element", body) }
    }

    /// Hands `body` a cursor on the reader's position and takes the position back; `body` must have read a value.
    private static func visit(
        _ reader: inout JSONByteReader, _ what: String, _ body: (inout JSONCursor) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) {
        let before = reader.index
        var cursor = JSONCursor(reader)
        try body(&cursor)
        reader = cursor.reader
        guard reader.index > before else { throw reader.failure("\(what) was not read") }
    }

    /// Reads a string. Throws unless the value is one.
    public mutating func string() throws(JSONValue.ParseError) -> String {
        guard kind == .string else { throw reader.failure("expected a string") }
        return try reader.parseString()
    }

    /// Reads a number. Throws unless the value is one.
    public mutating func number() throws(JSONValue.ParseError) -> Double {
        guard kind == .number else { throw reader.failure("expected a number") }
        return try reader.parseNumber()
    }

    /// Reads the value whole, as `JSONValue.parse` would.
    public mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        try reader.parseValue()
    }

    /// Reads past the value, checking it as `JSONValue.parse` would but building nothing of it.
    public mutating func skip() throws(JSONValue.ParseError) {
        try reader.skipValue()
    }

    /// Checks that only whitespace follows the document's value.
    fileprivate mutating func end() throws(JSONValue.ParseError) {
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw reader.failure("unexpected data after the JSON value") }
    }

    fileprivate mutating func start() {
        reader.skipWhitespace()
    }

    /// Throws when the document holds no value at all (as `JSONValue.parse` does).
    fileprivate func requireValue() throws(JSONValue.ParseError) {
        guard reader.index < reader.bytes.count else { throw reader.failure("unexpected end of input") }
    }
}

extension JSONValue {
    /// Reads the JSON document `text` with a cursor standing on its value; `body` must consume that value. Throws
    /// what `JSONValue.parse(text)` would throw for a malformed document, and whatever `body` throws.
    public static func read<T>(
        _ text: String, _ body: (inout JSONCursor) throws(ParseError) -> T
    ) throws(ParseError) -> T {
        var value: T?
        try read(text) { (cursor: inout JSONCursor) throws(ParseError) in value = try body(&cursor) }
        guard let value else { throw ParseError(message: "invalid JSON: unreadable text") }
        return value
    }

    /// `read(_:_:)` for a body that keeps what it reads itself. Not generic: a hot reader (a streamed chunk) pays no
    /// runtime lookup of generic metadata per document.
    public static func read(
        _ text: String, _ body: (inout JSONCursor) throws(ParseError) -> Void
    ) throws(ParseError) {
        var text = text
        var failure: ParseError? = ParseError(message: "invalid JSON: unreadable text")
        text.withUTF8 { bytes in
            var cursor = JSONCursor(JSONByteReader(bytes))
            cursor.start()
            do throws(ParseError) {
                try cursor.requireValue()
                try body(&cursor)
                try cursor.end()
                failure = nil
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}

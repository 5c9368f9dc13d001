/// Writes compact JSON straight into a byte buffer, one token at a time, for bodies built field by field (provider
/// requests of long conversations) where building a `JSONValue` tree first would cost a dictionary per object and a
/// key sort per object on every call.
///
/// Callers write each object's keys in ascending order, the order `JSONValue`'s writer sorts them into; then the
/// bytes equal those of the same document built as a `JSONValue` and encoded (`encodedJSONBytes()`), which is also
/// `JSONEncoder` with sorted keys. Separators are placed automatically: a comma goes before any key or value that
/// follows a sibling.
public struct JSONBytesWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Opens an object (as a value: after a key, in an array, or at the top).
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key and its colon; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        JSONByteWriter.writeString(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ text: String) {
        separate()
        JSONByteWriter.writeString(text, into: &bytes)
        needsComma = true
    }

    /// Writes a number as `JSONValue.number` does (whole numbers as integers).
    public mutating func number(_ number: Double) {
        separate()
        JSONByteWriter.writeNumber(number, into: &bytes)
        needsComma = true
    }

    /// Writes a boolean.
    public mutating func bool(_ flag: Bool) {
        self.value(.bool(flag))
    }

    /// Writes `null`.
    public mutating func null() {
        self.value(.null)
    }

    /// Writes a whole `JSONValue` (keys sorted).
    public mutating func value(_ value: JSONValue) {
        separate()
        JSONByteWriter.write(value, into: &bytes)
        needsComma = true
    }

    /// Writes array elements that are already encoded: `elements` is zero or more JSON values separated by commas
    /// (as another writer's top level produces them), appended as they are.
    public mutating func encodedElements(_ elements: ArraySlice<UInt8>) {
        guard !elements.isEmpty else { return }
        separate()
        bytes.append(contentsOf: elements)
        needsComma = true
    }

    /// Writes `"name":<string>`.
    public mutating func field(_ name: String, _ text: String) {
        key(name)
        string(text)
    }
}

import Foundation

/// An `Encoder` that builds a `JSONValue` tree directly, for `WireJSON.toJSONValue`.
///
/// The service turns every agent and runtime event into a `JSONValue` for its event log and subscribers. Going
/// through `JSONEncoder` meant building Foundation's own tree, writing it as text and parsing the text back: about a
/// tenth of a turn's CPU. This writes the same tree in one pass. It follows `WireJSON.encoder()`'s rules: dates as
/// `WireJSON.formatDate` strings, `Data` as base64, URLs as their absolute string, non-finite numbers refused, a
/// value that encodes nothing as `{}`. `JSONBytesTests` and the event tests hold it to `JSONEncoder` + parse.
///
/// The same tree also writes JSON text directly (`encodeBytes`): the bytes `WireJSON.encoder()` would produce (sorted
/// keys, unescaped slashes), without Foundation's own tree and its `Data`. Numbers keep the type they were encoded
/// with until then, so integers beyond 2^53, `Float`s and `-0.0` are written exactly as `JSONEncoder` writes them.
enum JSONTreeEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        try box(value, codingPath: []).resolved()
    }

    /// The JSON text `WireJSON.encoder()` writes for `value`.
    static func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        let slot = try box(value, codingPath: [])
        if case .node(let node) = slot, node.kind == .empty {
            // As `JSONEncoder` refuses it (nested, such a value is written `{}` by both).
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var output: [UInt8] = []
        output.reserveCapacity(256)
        slot.write(into: &output)
        return output
    }

    /// A value being built: a finished value, a number as it was encoded, or a container that nested encoders may
    /// still fill.
    enum Slot {
        case value(JSONValue)
        case node(Node)
        case integer(Int64)
        case unsigned(UInt64)
        case double(Double)
        case float(Float)

        func resolved() -> JSONValue {
            switch self {
            case .value(let value): value
            case .node(let node): node.resolved()
            case .integer(let number): .number(Double(number))
            case .unsigned(let number): .number(Double(number))
            case .double(let number): .number(number)
            case .float(let number): .number(JSONTreeEncoder.widened(number))
            }
        }

        func write(into output: inout [UInt8]) {
            switch self {
            case .value(let value): JSONByteWriter.write(value, into: &output)
            case .node(let node): node.write(into: &output)
            case .integer(let number): JSONByteWriter.writeInteger(number, into: &output)
            case .unsigned(let number): JSONByteWriter.writeUnsigned(number, into: &output)
            // `JSONEncoder` writes a floating-point number as its shortest text without a trailing ".0".
            case .double(let number): JSONByteWriter.writeShortest(number.description, into: &output)
            case .float(let number): JSONByteWriter.writeShortest(number.description, into: &output)
            }
        }
    }

    /// A container under construction (a reference, so nested containers and encoders can fill it later). An object
    /// keeps its members in the order they were set (keys and values side by side: no hashing while encoding); a key
    /// set twice keeps its last value, as `JSONEncoder` does.
    final class Node {
        enum Kind {
            case empty, object, array, single
        }

        var kind = Kind.empty
        /// The keys of an object's members, parallel to `slots`.
        var keys: [String] = []
        /// An object's member values, an array's elements, or a single value.
        var slots: [Slot] = []

        func resolved() -> JSONValue {
            switch kind {
            case .empty: return .object([:])
            case .single: return slots[0].resolved()
            case .array: return .array(slots.map { $0.resolved() })
            case .object:
                var members: [String: JSONValue] = [:]
                members.reserveCapacity(keys.count)
                for index in keys.indices { members[keys[index]] = slots[index].resolved() }
                return .object(members)
            }
        }

        func makeObject() {
            guard kind != .object else { return }
            kind = .object
            keys = []
            slots = []
        }

        func makeArray() {
            guard kind != .array else { return }
            kind = .array
            keys = []
            slots = []
        }

        func set(_ key: String, _ slot: Slot) {
            guard kind == .object else { return }
            keys.append(key)
            slots.append(slot)
        }

        func append(_ slot: Slot) {
            guard kind == .array else { return }
            slots.append(slot)
        }

        func setSingle(_ slot: Slot) {
            kind = .single
            keys = []
            slots = [slot]
        }

        var count: Int { kind == .array ? slots.count : 0 }

        func write(into output: inout [UInt8]) {
            switch kind {
            case .empty: output.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            case .single: slots[0].write(into: &output)
            case .array:
                output.append(UInt8(ascii: "["))
                for index in slots.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    slots[index].write(into: &output)
                }
                output.append(UInt8(ascii: "]"))
            case .object:
                output.append(UInt8(ascii: "{"))
                // Sorted by key; among equal keys (set twice) the last one set, which sorts last.
                let order = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
                var first = true
                for (position, index) in order.enumerated() {
                    if position + 1 < order.count, keys[order[position + 1]] == keys[index] { continue }
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    JSONByteWriter.writeString(keys[index], into: &output)
                    output.append(UInt8(ascii: ":"))
                    slots[index].write(into: &output)
                }
                output.append(UInt8(ascii: "}"))
            }
        }
    }

    /// The slot of one value. Scalars the encoder writes itself are recognised by their type (a metadata compare,
    /// not a dynamic cast: most values encoded are strings and numbers); the coding path is only built for a value
    /// that encodes itself, or for an error.
    static func box<T: Encodable>(_ value: T, codingPath: @autoclosure () -> [any CodingKey]) throws -> Slot {
        if T.self == String.self { return .value(.string(unsafeBitCast(value, to: String.self))) }
        if T.self == Int.self { return .integer(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .value(.bool(unsafeBitCast(value, to: Bool.self))) }
        if T.self == Double.self { return try finite(unsafeBitCast(value, to: Double.self), codingPath()) }
        if T.self == Date.self { return .value(.string(WireJSON.formatDate(unsafeBitCast(value, to: Date.self)))) }
        if T.self == UInt64.self { return .unsigned(unsafeBitCast(value, to: UInt64.self)) }
        if T.self == Int64.self { return .integer(unsafeBitCast(value, to: Int64.self)) }
        // Trees already built (event payloads are): taken as they are, unless a number in them is one `JSONEncoder`
        // would refuse, which the generic path below reports.
        if T.self == JSONValue.self {
            let json = unsafeBitCast(value, to: JSONValue.self)
            if allFinite(json) { return .value(json) }
        } else if T.self == [String: JSONValue].self {
            let object = unsafeBitCast(value, to: [String: JSONValue].self)
            if object.values.allSatisfy(allFinite) { return .value(.object(object)) }
        } else if T.self == [JSONValue].self {
            let array = unsafeBitCast(value, to: [JSONValue].self)
            if array.allSatisfy(allFinite) { return .value(.array(array)) }
        } else if T.self == Data.self {
            return .value(.string(unsafeBitCast(value, to: Data.self).base64EncodedString()))
        } else if T.self == URL.self {
            return .value(.string(unsafeBitCast(value, to: URL.self).absoluteString))
        }
        let node = Node()
        try value.encode(to: TreeEncoder(node: node, codingPath: codingPath()))
        return .node(node)
    }

    static func allFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): number.isFinite
        case .array(let elements): elements.allSatisfy(allFinite)
        case .object(let members): members.values.allSatisfy(allFinite)
        case .null, .bool, .string: true
        }
    }

    /// A `Float` as the `Double` its JSON text reads back as (`JSONEncoder` writes the float's shortest text).
    static func widened(_ value: Float) -> Double {
        value.isFinite ? Double(value.description) ?? Double(value) : Double(value)
    }

    static func finite(_ number: Double, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> Slot {
        guard number.isFinite else {
            throw EncodingError.invalidValue(
                number, EncodingError.Context(codingPath: codingPath(), debugDescription: "\(number) is not valid JSON")
            )
        }
        return .double(number)
    }

    static func finite(_ number: Float, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> Slot {
        guard number.isFinite else {
            throw EncodingError.invalidValue(
                number, EncodingError.Context(codingPath: codingPath(), debugDescription: "\(number) is not valid JSON")
            )
        }
        return .float(number)
    }

    struct TreeEncoder: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.makeArray()
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(node: node, codingPath: codingPath)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func set(_ key: Key, _ slot: Slot) { node.set(key.stringValue, slot) }

        mutating func encodeNil(forKey key: Key) throws { set(key, .value(.null)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .value(.bool(value))) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(key, .value(.string(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            set(key, try finite(value, codingPath + [key]))
        }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(key, try finite(value, codingPath + [key])) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .integer(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, .unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(key, try box(value, codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = Node()
            nested.makeObject()
            node.set(key.stringValue, .node(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(node: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = Node()
            nested.makeArray()
            node.set(key.stringValue, .node(nested))
            return Unkeyed(node: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }

        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Encoder {
            let nested = Node()
            node.set(name, .node(nested))
            return TreeEncoder(node: nested, codingPath: codingPath)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.count }

        private var indexKey: any CodingKey { IndexKey(intValue: count) }

        mutating func encodeNil() throws { node.append(.value(.null)) }
        mutating func encode(_ value: Bool) throws { node.append(.value(.bool(value))) }
        mutating func encode(_ value: String) throws { node.append(.value(.string(value))) }
        mutating func encode(_ value: Double) throws { node.append(try finite(value, codingPath + [indexKey])) }
        mutating func encode(_ value: Float) throws { node.append(try finite(value, codingPath + [indexKey])) }
        mutating func encode(_ value: Int) throws { node.append(.integer(Int64(value))) }
        mutating func encode(_ value: Int8) throws { node.append(.integer(Int64(value))) }
        mutating func encode(_ value: Int16) throws { node.append(.integer(Int64(value))) }
        mutating func encode(_ value: Int32) throws { node.append(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { node.append(.integer(value)) }
        mutating func encode(_ value: UInt) throws { node.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { node.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { node.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { node.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { node.append(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.append(try box(value, codingPath: codingPath + [indexKey]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = Node()
            nested.makeObject()
            let path = codingPath + [indexKey]
            node.append(.node(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(node: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = Node()
            nested.makeArray()
            let path = codingPath + [indexKey]
            node.append(.node(nested))
            return Unkeyed(node: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Encoder {
            let nested = Node()
            let path = codingPath + [indexKey]
            node.append(.node(nested))
            return TreeEncoder(node: nested, codingPath: path)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        private func set(_ slot: Slot) { node.setSingle(slot) }

        mutating func encodeNil() throws { set(.value(.null)) }
        mutating func encode(_ value: Bool) throws { set(.value(.bool(value))) }
        mutating func encode(_ value: String) throws { set(.value(.string(value))) }
        mutating func encode(_ value: Double) throws { set(try finite(value, codingPath)) }
        mutating func encode(_ value: Float) throws { set(try finite(value, codingPath)) }
        mutating func encode(_ value: Int) throws { set(.integer(Int64(value))) }
        mutating func encode(_ value: Int8) throws { set(.integer(Int64(value))) }
        mutating func encode(_ value: Int16) throws { set(.integer(Int64(value))) }
        mutating func encode(_ value: Int32) throws { set(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { set(.integer(value)) }
        mutating func encode(_ value: UInt) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { set(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { set(try box(value, codingPath: codingPath)) }
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}

import Foundation
import MeerkatService

/// The `params` object of one request, read field by field: every failure names the field and the rule.
struct RPCParams: Sendable {
    let values: [String: JSONValue]

    /// Reads `params`: absent or null is an empty object; anything but an object is refused.
    init(_ params: JSONValue?) throws(RPCError) {
        switch params {
        case nil, .null?: values = [:]
        case .object(let object)?: values = object
        case let other?:
            throw RPCError(.invalidParams, "params: must be an object, got \(other.typeName)", field: "params")
        }
    }

    /// Refuses fields outside `allowed` (a typo is an error, not a silently ignored option).
    func allowOnly(_ allowed: Set<String>) throws(RPCError) {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidParams(unknown, "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func has(_ key: String) -> Bool {
        if case .null? = values[key] { return false }
        return values[key] != nil
    }

    func raw(_ key: String) -> JSONValue? {
        if case .null? = values[key] { return nil }
        return values[key]
    }

    func string(_ key: String) throws(RPCError) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.stringValue else { throw .invalidParams(key, "must be a string, got \(value.typeName)") }
        return text
    }

    func requiredString(_ key: String) throws(RPCError) -> String {
        guard let text = try string(key) else { throw .invalidParams(key, "is required") }
        guard !text.isEmpty else { throw .invalidParams(key, "must not be empty") }
        return text
    }

    func bool(_ key: String) throws(RPCError) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let flag = value.boolValue else { throw .invalidParams(key, "must be a boolean, got \(value.typeName)") }
        return flag
    }

    func int(_ key: String, range: ClosedRange<Int>) throws(RPCError) -> Int? {
        guard let value = raw(key) else { return nil }
        guard let number = value.numberValue, number.rounded() == number, abs(number) < 1e15 else {
            throw .invalidParams(key, "must be an integer, got \(value.typeName)")
        }
        let int = Int(number)
        guard range.contains(int) else {
            throw .invalidParams(key, "must be in \(range.lowerBound)...\(range.upperBound), got \(int)")
        }
        return int
    }

    func object(_ key: String) throws(RPCError) -> [String: JSONValue]? {
        guard let value = raw(key) else { return nil }
        guard let object = value.objectValue else {
            throw .invalidParams(key, "must be an object, got \(value.typeName)")
        }
        return object
    }

    func stringArray(_ key: String) throws(RPCError) -> [String]? {
        guard let value = raw(key) else { return nil }
        guard let array = value.arrayValue else { throw .invalidParams(key, "must be an array, got \(value.typeName)") }
        var out: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.stringValue else {
                throw .invalidParams("\(key)[\(index)]", "must be a string, got \(element.typeName)")
            }
            out.append(text)
        }
        return out
    }

    /// The session id named by `session_id` (a full id, `last` or a unique prefix).
    func sessionSelector(_ key: String = "session_id") throws(RPCError) -> String {
        try requiredString(key)
    }

    /// An input id (a UUID).
    func inputID(_ key: String = "input_id") throws(RPCError) -> InputID {
        let text = try requiredString(key)
        guard let id = InputID(text) else { throw .invalidParams(key, "must be an input id (a UUID), got '\(text)'") }
        return id
    }

    /// Decodes a field with the wire decoder, naming the field when the shape is wrong.
    func decode<T: Decodable>(_ key: String, as type: T.Type) throws(RPCError) -> T? {
        guard let value = raw(key) else { return nil }
        do {
            return try WireJSON.fromJSONValue(value, as: type)
        } catch {
            throw .invalidParams(key, Self.describe(error))
        }
    }

    /// A short text for a decoding error, with the coding path.
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(decoding)"
        }
    }
}

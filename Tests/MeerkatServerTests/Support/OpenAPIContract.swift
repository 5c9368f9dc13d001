import Foundation
import MeerkatCore
import MeerkatServer
import Synchronization

/// Checks requests and responses against the committed OpenAPI document.
enum OpenAPIContract {
    static var document: JSONValue { OpenAPIDocument.json }

    /// The `(METHOD, template)` pairs the document declares.
    static var operations: Set<String> {
        guard case .object(let paths)? = document["paths"] else { return [] }
        var out: Set<String> = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for method in methods.keys { out.insert("\(method.uppercased()) \(path)") }
        }
        return out
    }

    /// The path template of the document matching a concrete path.
    static func template(of path: String) -> String? {
        guard case .object(let paths)? = document["paths"] else { return nil }
        let segments = path.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
        // Literal templates win over parameterised ones (`/sessions/{id}/inputs` before `/sessions/{id}/{x}`).
        let candidates = paths.keys.sorted { $0.filter { $0 == "{" }.count < $1.filter { $0 == "{" }.count }
        for template in candidates {
            let pattern = template.split(separator: "/")
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return template }
        }
        return nil
    }

    /// The documented statuses of an operation.
    static func statuses(method: String, template: String) -> Set<Int> {
        guard case .object(let responses)? = document["paths"]?[template]?[method.lowercased()]?["responses"] else {
            return []
        }
        return Set(responses.keys.compactMap(Int.init))
    }

    /// The JSON schema of an operation's response with `status`, resolving a `components.responses` reference.
    static func responseSchema(method: String, template: String, status: Int) -> JSONValue? {
        var response = document["paths"]?[template]?[method.lowercased()]?["responses"]?[String(status)]
        if let ref = response?["$ref"]?.stringValue, let name = ref.split(separator: "/").last {
            response = document["components"]?["responses"]?[String(name)]
        }
        return response?["content"]?["application/json"]?["schema"]
    }

    /// Every problem of one observed response (empty when it conforms).
    static func problems(method: String, path: String, status: Int, contentType: String, body: Data) -> [String] {
        guard let template = template(of: path) else {
            // Unmatched paths must get the router's documented JSON 404/405.
            return [404, 405].contains(status) ? errorShapeProblems(body) : ["\(method) \(path): undocumented path"]
        }
        guard statuses(method: method, template: template).contains(status) else {
            if [404, 405].contains(status), statuses(method: method, template: template).isEmpty {
                return errorShapeProblems(body)
            }
            return ["\(method) \(template): status \(status) is not documented"]
        }
        // Only JSON bodies described by a component schema are validated (not the document or metrics text).
        guard let schema = responseSchema(method: method, template: template, status: status), schema["$ref"] != nil
        else { return [] }
        guard contentType.hasPrefix("application/json") else {
            return ["\(method) \(template) \(status): content type \(contentType)"]
        }
        guard let json = try? JSONValue.parse(body) else {
            return ["\(method) \(template) \(status): body is not JSON"]
        }
        var root: [String: JSONValue] = ["components": document["components"] ?? .object([:])]
        if case .object(let inline) = schema {
            for (key, value) in inline { root[key] = value }
        }
        guard let validator = try? JSONSchemaValidator(schema: .object(root)) else {
            return ["\(method) \(template) \(status): schema does not compile"]
        }
        return validator.validate(json).map { "\(method) \(template) \(status): \($0)" }
    }

    private static func errorShapeProblems(_ body: Data) -> [String] {
        guard let json = try? JSONValue.parse(body), let validator = try? OpenAPIDocument.validator(schema: "Error")
        else { return ["error body is not JSON"] }
        return validator.validate(json).map { "error body: \($0)" }
    }
}

/// Every response a harness saw, for the contract check.
final class ResponseRecorder: Sendable {
    struct Entry: Sendable {
        var method: String
        var path: String
        var status: Int
        var contentType: String
        var body: Data
    }

    private let entries = Mutex<[Entry]>([])

    func record(method: String, path: String, status: Int, contentType: String, body: Data) {
        entries.withLock {
            $0.append(Entry(method: method, path: path, status: status, contentType: contentType, body: body))
        }
    }

    var all: [Entry] { entries.withLock { $0 } }

    /// Problems of every recorded response against the document.
    func problems() -> [String] {
        all.flatMap {
            OpenAPIContract.problems(
                method: $0.method, path: $0.path, status: $0.status, contentType: $0.contentType, body: $0.body)
        }
    }
}

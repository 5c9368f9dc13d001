/// Replaces `${NAME}` references in config strings with environment values.
///
/// `$$` stands for a literal `$`; a `$` not followed by `{` or `$` is kept as it is. An unknown name, an empty
/// `${}` or a missing `}` is an error naming the server and field.
struct MCPVariableExpander: Sendable {
    let environment: [String: String]

    func expand(_ text: String, server: String, field: String) throws(MCPConfigError) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                out.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                out.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                out.append(character)
                index = next
                continue
            }
            let nameStart = text.index(after: next)
            guard let close = text[nameStart...].firstIndex(of: "}") else {
                throw .malformedVariable(server: server, field: field, text: text)
            }
            let name = String(text[nameStart..<close])
            guard !name.isEmpty else { throw .malformedVariable(server: server, field: field, text: text) }
            guard let value = environment[name] else {
                throw .unknownVariable(server: server, field: field, variable: name)
            }
            out += value
            index = text.index(after: close)
        }
        return out
    }
}

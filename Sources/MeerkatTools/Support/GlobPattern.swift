/// A shell-style glob: `*`, `?`, `[abc]`/`[!a-z]` classes, `{a,b}` alternatives and `\` escapes.
///
/// In `.path` mode `*` and `?` stop at `/`, and `**` as a whole path component matches any number of
/// components (`src/**/*.swift` matches `src/a.swift` and `src/x/y/a.swift`). In `.text` mode wildcards match
/// any character. In `.command` mode (the shell allow-list) wildcards never match shell control characters, so a
/// pattern only admits `;`, `&`, `|`, `$`, backticks, redirections or parentheses that it spells out.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// What wildcards may match.
    public enum Mode: Sendable, Hashable {
        /// File paths: wildcards stop at `/`; `**` spans components.
        case path
        /// Free text: wildcards match anything.
        case text
        /// Shell commands: wildcards match anything except shell control characters.
        case command
    }

    /// Characters a wildcard never matches in `.command` mode.
    public static let shellControlCharacters: Set<Unicode.Scalar> = [
        ";", "&", "|", "$", "`", "<", ">", "(", ")", "\n", "\r",
    ]

    private enum Token: Hashable {
        case literal(Unicode.Scalar)
        case anyRun  // `*`
        case anyOne  // `?`
        case anyPath  // `**` not forming a whole component: anything, `/` included
        case components  // `**/`: empty, or anything ending in `/`
        case set([ClassItem], negated: Bool)
    }

    private enum ClassItem: Hashable {
        case single(Unicode.Scalar)
        case range(Unicode.Scalar, Unicode.Scalar)
    }

    /// The pattern as written.
    public let pattern: String
    /// What wildcards may match.
    public let mode: Mode
    private let alternatives: [[Token]]

    /// Compiles `pattern`; malformed classes or braces are taken literally.
    public init(_ pattern: String, mode: Mode = .path) {
        self.pattern = pattern
        self.mode = mode
        self.alternatives = Self.expandBraces(Array(pattern.unicodeScalars)).map { Self.tokenize($0, mode: mode) }
    }

    public var description: String { pattern }

    /// True when the whole `candidate` matches.
    public func matches(_ candidate: String) -> Bool {
        let text = Array(candidate.unicodeScalars)
        let blocked: [Bool]
        switch mode {
        case .path: blocked = text.map { $0 == "/" }
        case .text: blocked = Array(repeating: false, count: text.count)
        case .command: blocked = text.map { Self.shellControlCharacters.contains($0) }
        }
        return matches(text, blocked: blocked)
    }

    /// True when the whole `candidate` matches and no wildcard stands for a character whose `protected` flag
    /// is set (`.command` mode with the control mask from `ShellWords`).
    func matches(_ candidate: String, protecting protected: [Bool]) -> Bool {
        let text = Array(candidate.unicodeScalars)
        guard protected.count == text.count else { return matches(candidate) }
        return matches(text, blocked: protected)
    }

    private func matches(_ text: [Unicode.Scalar], blocked: [Bool]) -> Bool {
        alternatives.contains { tokens in
            var memo: [Int: Bool] = [:]
            return match(tokens, 0, text, 0, blocked, &memo)
        }
    }

    /// True when the pattern contains no wildcard, class or alternative (it can only match itself).
    public var isLiteral: Bool {
        alternatives.count == 1 && alternatives[0].allSatisfy { if case .literal = $0 { true } else { false } }
    }

    // MARK: - Matching

    private func match(
        _ tokens: [Token], _ tokenIndex: Int, _ text: [Unicode.Scalar], _ textIndex: Int, _ blocked: [Bool],
        _ memo: inout [Int: Bool]
    ) -> Bool {
        let key = tokenIndex * (text.count + 1) + textIndex
        if let known = memo[key] { return known }
        let result: Bool
        if tokenIndex == tokens.count {
            result = textIndex == text.count
        } else {
            switch tokens[tokenIndex] {
            case .literal(let character):
                result =
                    textIndex < text.count && text[textIndex] == character
                    && match(tokens, tokenIndex + 1, text, textIndex + 1, blocked, &memo)
            case .anyOne:
                result =
                    textIndex < text.count && !blocked[textIndex]
                    && match(tokens, tokenIndex + 1, text, textIndex + 1, blocked, &memo)
            case .set(let items, let negated):
                if textIndex < text.count, !blocked[textIndex],
                    Self.classContains(items, text[textIndex]) != negated
                {
                    result = match(tokens, tokenIndex + 1, text, textIndex + 1, blocked, &memo)
                } else {
                    result = false
                }
            case .anyRun:
                var end = textIndex
                var found = match(tokens, tokenIndex + 1, text, end, blocked, &memo)
                while !found, end < text.count, !blocked[end] {
                    end += 1
                    found = match(tokens, tokenIndex + 1, text, end, blocked, &memo)
                }
                result = found
            case .anyPath:
                result = (textIndex...text.count).contains { match(tokens, tokenIndex + 1, text, $0, blocked, &memo) }
            case .components:
                // Either zero components, or a run that ends right after a `/`.
                result =
                    match(tokens, tokenIndex + 1, text, textIndex, blocked, &memo)
                    || (textIndex..<text.count).contains {
                        text[$0] == "/" && match(tokens, tokenIndex + 1, text, $0 + 1, blocked, &memo)
                    }
            }
        }
        memo[key] = result
        return result
    }

    private static func classContains(_ items: [ClassItem], _ character: Unicode.Scalar) -> Bool {
        items.contains { item in
            switch item {
            case .single(let single): single == character
            case .range(let low, let high): low <= character && character <= high
            }
        }
    }

    // MARK: - Compilation

    /// Expands `{a,b}` alternatives (nested allowed; at most 256 results so a hostile pattern stays cheap).
    private static func expandBraces(_ pattern: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var index = 0
        while index < pattern.count {
            if pattern[index] == "\\" {
                index += 2
                continue
            }
            if pattern[index] == "{", let (close, commas) = braceExtent(pattern, open: index), !commas.isEmpty {
                let prefix = Array(pattern[..<index])
                let suffix = Array(pattern[(close + 1)...])
                let bounds = [index] + commas + [close]
                var results: [[Unicode.Scalar]] = []
                for position in 0..<(bounds.count - 1) {
                    let option = Array(pattern[(bounds[position] + 1)..<bounds[position + 1]])
                    for expanded in expandBraces(prefix + option + suffix) {
                        results.append(expanded)
                        if results.count >= 256 { return results }
                    }
                }
                return results
            }
            index += 1
        }
        return [pattern]
    }

    /// The matching `}` of the `{` at `open` and the top-level commas between them.
    private static func braceExtent(_ pattern: [Unicode.Scalar], open: Int) -> (Int, [Int])? {
        var depth = 0
        var commas: [Int] = []
        var index = open
        while index < pattern.count {
            switch pattern[index] {
            case "\\": index += 1
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return (index, commas) }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            index += 1
        }
        return nil
    }

    private static func tokenize(_ pattern: [Unicode.Scalar], mode: Mode) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < pattern.count {
            let character = pattern[index]
            switch character {
            case "\\" where index + 1 < pattern.count:
                tokens.append(.literal(pattern[index + 1]))
                index += 2
            case "*":
                var end = index
                while end < pattern.count, pattern[end] == "*" { end += 1 }
                let isDouble = end - index >= 2
                let startsComponent = index == 0 || pattern[index - 1] == "/"
                if mode == .path, isDouble, startsComponent, end < pattern.count, pattern[end] == "/" {
                    tokens.append(.components)
                    end += 1
                } else if mode == .path, isDouble, startsComponent, end == pattern.count {
                    tokens.append(.anyPath)
                } else if mode == .text || (mode == .path && isDouble) {
                    tokens.append(mode == .text ? .anyRun : .anyPath)
                } else {
                    tokens.append(.anyRun)
                }
                index = end
            case "?":
                tokens.append(.anyOne)
                index += 1
            case "[":
                if let (token, next) = parseClass(pattern, open: index) {
                    tokens.append(token)
                    index = next
                } else {
                    tokens.append(.literal("["))
                    index += 1
                }
            default:
                tokens.append(.literal(character))
                index += 1
            }
        }
        return tokens
    }

    private static func parseClass(_ pattern: [Unicode.Scalar], open: Int) -> (Token, Int)? {
        var index = open + 1
        var negated = false
        if index < pattern.count, pattern[index] == "!" || pattern[index] == "^" {
            negated = true
            index += 1
        }
        var items: [ClassItem] = []
        var first = true
        while index < pattern.count {
            var character = pattern[index]
            if character == "]", !first { return (.set(items, negated: negated), index + 1) }
            first = false
            if character == "\\", index + 1 < pattern.count {
                index += 1
                character = pattern[index]
            }
            if index + 2 < pattern.count, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                items.append(.range(character, pattern[index + 2]))
                index += 3
            } else {
                items.append(.single(character))
                index += 1
            }
        }
        return nil
    }
}

/// A command line split POSIX-style (like Python's `shlex` with punctuation characters), for the shell
/// security policy.
///
/// Quotes and backslashes are removed as a POSIX shell would; runs of the unquoted operator characters
/// `; & | < > ( )` become tokens of their own; an unquoted newline becomes a `;` token; `#` at the start of a
/// word starts a comment. `canonical` re-joins the tokens with single spaces. Characters that the shell still
/// interprets — unquoted operators, `$` and backticks outside single quotes — are recorded in `controlMask`
/// so the allow-list can refuse to let a wildcard stand for them.
public struct ShellWords: Sendable, Hashable {
    /// One token and whether it is an operator (`;`, `&&`, `|`, `>`, `(`, ...).
    public struct Token: Sendable, Hashable {
        /// The token text, quotes removed.
        public var text: String
        /// True for operator tokens (`;`, `&&`, `|`, `>`, ...).
        public var isOperator: Bool
        /// For each Unicode scalar of `text`, whether the shell gives it a special meaning.
        var control: [Bool]
    }

    /// Why a command could not be split.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the command.
        public var message: String
        public var description: String { message }
    }

    /// Operator characters that end a word when unquoted.
    static let operatorCharacters: Set<Unicode.Scalar> = [";", "&", "|", "<", ">", "(", ")"]

    /// The tokens, in order.
    public let tokens: [Token]

    /// Splits `command`; throws on an unterminated quote or a trailing backslash.
    public init(_ command: String) throws(SyntaxError) {
        var tokens: [Token] = []
        // Scalars, not Characters: "\r\n" is one Character but two separate bytes to the shell.
        var word = String.UnicodeScalarView()
        var control: [Bool] = []
        var inWord = false
        var characters = Array(command.unicodeScalars)[...]

        func endWord() {
            if inWord { tokens.append(Token(text: String(word), isOperator: false, control: control)) }
            word = String.UnicodeScalarView()
            control = []
            inWord = false
        }

        while let character = characters.popFirst() {
            switch character {
            case " ", "\t":
                endWord()
            case "\n", "\r":
                endWord()
                // A newline separates commands like `;` (after an operator it only continues the line).
                if character == "\n", let last = tokens.last, !last.isOperator {
                    tokens.append(Token(text: ";", isOperator: true, control: [true]))
                }
            case "#" where !inWord:
                while let next = characters.first, next != "\n" { characters.removeFirst() }
            case "\\":
                guard let next = characters.popFirst() else {
                    throw SyntaxError(message: "the command ends with an unescaped backslash")
                }
                if next != "\n" {
                    word.append(next)
                    control.append(false)
                }
                inWord = true
            case "'":
                inWord = true
                var closed = false
                while let next = characters.popFirst() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    word.append(next)
                    control.append(false)
                }
                guard closed else { throw SyntaxError(message: "unterminated single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let next = characters.popFirst() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\", let escaped = characters.first, "\\\"$`\n".unicodeScalars.contains(escaped) {
                        characters.removeFirst()
                        if escaped != "\n" {
                            word.append(escaped)
                            control.append(false)
                        }
                        continue
                    }
                    word.append(next)
                    // Inside double quotes `$` and backticks still expand (and can run commands).
                    control.append(next == "$" || next == "`")
                }
                guard closed else { throw SyntaxError(message: "unterminated double quote") }
            case _ where Self.operatorCharacters.contains(character):
                endWord()
                var run = String(character)
                if let next = characters.first, Self.continuesOperator(character, with: next) {
                    run.unicodeScalars.append(next)
                    characters.removeFirst()
                }
                tokens.append(
                    Token(text: run, isOperator: true, control: Array(repeating: true, count: run.unicodeScalars.count))
                )
            default:
                word.append(character)
                control.append(character == "$" || character == "`")
                inWord = true
            }
        }
        endWord()
        self.tokens = tokens
    }

    /// The tokens joined with single spaces.
    public var canonical: String { tokens.map(\.text).joined(separator: " ") }

    /// For each Unicode scalar of `canonical`, whether the shell gives it a special meaning.
    var controlMask: [Bool] {
        var mask: [Bool] = []
        for (index, token) in tokens.enumerated() {
            if index > 0 { mask.append(false) }
            mask.append(contentsOf: token.control)
        }
        return mask
    }

    /// True when the command has operators, substitutions or expansions, i.e. more than one simple command
    /// could run.
    public var isCompound: Bool { controlMask.contains(true) }

    /// The simple commands between operators (`a && b | c` gives `a`, `b`, `c`), each canonicalised.
    public var segments: [String] {
        var segments: [String] = []
        var current: [String] = []
        for token in tokens {
            if token.isOperator {
                if !current.isEmpty { segments.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(token.text)
            }
        }
        if !current.isEmpty { segments.append(current.joined(separator: " ")) }
        return segments
    }

    /// Operators are the familiar two-character forms at most (`&&`, `||`, `>>`, `;;`, `|&`, `>&`, `<<`, ...).
    private static func continuesOperator(_ first: Unicode.Scalar, with next: Unicode.Scalar) -> Bool {
        switch (first, next) {
        case ("&", "&"), ("|", "|"), ("|", "&"), (">", ">"), ("<", "<"), (";", ";"), (">", "&"), ("<", "&"),
            ("&", ">"), (">", "|"), ("<", ">"):
            return true
        default:
            return false
        }
    }
}

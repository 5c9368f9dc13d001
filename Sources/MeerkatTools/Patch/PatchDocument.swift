/// A parsed `apply_patch` document: the `*** Begin Patch` … `*** End Patch` format.
///
/// ```
/// *** Begin Patch
/// *** Add File: path        followed by `+` lines (the whole content)
/// *** Delete File: path
/// *** Update File: path
/// *** Move to: new/path     optional, right after Update File
/// @@ optional anchor line   starts a hunk; ` ` context, `-` removed, `+` added lines
/// *** End of File           optional: the hunk must match at the end of the file
/// *** End Patch
/// ```
///
/// Every element remembers the 1-based patch line it came from so errors can point at it.
struct PatchDocument {
    /// One line of a hunk.
    enum HunkLine {
        case context(String)
        case removed(String)
        case added(String)
    }

    /// A run of context, removed and added lines applied at one place.
    struct Hunk {
        /// The text after `@@`, used to find the region (a line equal to it, ignoring surrounding spaces).
        var anchor: String?
        /// The hunk's lines with their patch line numbers.
        var lines: [(line: Int, content: HunkLine)]
        /// Patch line of the hunk's first line (the `@@` line when there is one).
        var startLine: Int
        /// True when the hunk ends with `*** End of File`.
        var atEndOfFile: Bool

        /// Lines the file must contain (context and removed, in order).
        var oldLines: [String] {
            lines.compactMap {
                switch $0.content {
                case .context(let text), .removed(let text): text
                case .added: nil
                }
            }
        }

        /// Lines that replace them (context and added, in order).
        var newLines: [String] {
            lines.compactMap {
                switch $0.content {
                case .context(let text), .added(let text): text
                case .removed: nil
                }
            }
        }

        /// Patch line numbers of `oldLines`, index for index.
        var oldLineNumbers: [Int] {
            lines.compactMap { if case .added = $0.content { nil } else { $0.line } }
        }
    }

    /// One file operation.
    enum Operation {
        case add(path: String, lines: [String], line: Int)
        case delete(path: String, line: Int)
        case update(path: String, moveTo: (path: String, line: Int)?, hunks: [Hunk], line: Int)
    }

    /// A syntax error at a patch line.
    struct SyntaxError: Error, Equatable, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "patch line \(line): \(message)" }
    }

    var operations: [Operation]

    private static let begin = "*** Begin Patch"
    private static let end = "*** End Patch"
    private static let addPrefix = "*** Add File:"
    private static let deletePrefix = "*** Delete File:"
    private static let updatePrefix = "*** Update File:"
    private static let movePrefix = "*** Move to:"
    private static let endOfFile = "*** End of File"

    /// Parses the whole patch; any malformed line fails the parse with its line number.
    static func parse(_ text: String) throws(SyntaxError) -> PatchDocument {
        let lines = text.linesSplitAtNewlines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        var index = 0
        while index < lines.count, lines[index].trimmingSpaces.isEmpty { index += 1 }
        guard index < lines.count, lines[index].trimmingSpaces == begin else {
            throw SyntaxError(line: min(index, max(lines.count - 1, 0)) + 1, message: "expected '\(begin)'")
        }
        index += 1
        var operations: [Operation] = []
        while true {
            guard index < lines.count else {
                throw SyntaxError(line: lines.count, message: "missing '\(end)'")
            }
            let line = lines[index]
            let number = index + 1
            if line.trimmingSpaces == end {
                index += 1
                break
            }
            if let path = try headerPath(line, prefix: addPrefix, number: number) {
                index += 1
                var content: [String] = []
                while index < lines.count, !lines[index].hasPrefix("*** ") {
                    if lines[index].trimmingSpaces.isEmpty, onlyBlankLinesRemain(lines, from: index) {
                        index = nextDirective(lines, from: index)
                        break
                    }
                    guard lines[index].hasPrefix("+") else {
                        throw SyntaxError(
                            line: index + 1, message: "every line of an added file must start with '+'")
                    }
                    content.append(String(lines[index].dropFirst()))
                    index += 1
                }
                operations.append(.add(path: path, lines: content, line: number))
            } else if let path = try headerPath(line, prefix: deletePrefix, number: number) {
                index += 1
                operations.append(.delete(path: path, line: number))
            } else if let path = try headerPath(line, prefix: updatePrefix, number: number) {
                index += 1
                var moveTo: (path: String, line: Int)?
                if index < lines.count, let target = try headerPath(lines[index], prefix: movePrefix, number: index + 1)
                {
                    moveTo = (target, index + 1)
                    index += 1
                }
                let hunks = try parseHunks(lines, &index)
                if hunks.isEmpty, moveTo == nil {
                    throw SyntaxError(line: number, message: "'\(updatePrefix) \(path)' has no hunks")
                }
                operations.append(.update(path: path, moveTo: moveTo, hunks: hunks, line: number))
            } else if line.hasPrefix("*** ") {
                throw SyntaxError(line: number, message: "unknown patch directive '\(line)'")
            } else if line.trimmingSpaces.isEmpty {
                index += 1
            } else {
                throw SyntaxError(
                    line: number,
                    message: "expected a file operation ('*** Add File:', '*** Update File:',"
                        + " '*** Delete File:') or '\(end)', got '\(line)'")
            }
        }
        while index < lines.count {
            guard lines[index].trimmingSpaces.isEmpty else {
                throw SyntaxError(line: index + 1, message: "unexpected text after '\(end)'")
            }
            index += 1
        }
        if operations.isEmpty { throw SyntaxError(line: 1, message: "the patch contains no file operations") }
        return PatchDocument(operations: operations)
    }

    /// Hunks of an Update File section, up to the next `*** ` directive.
    private static func parseHunks(_ lines: [String], _ index: inout Int) throws(SyntaxError) -> [Hunk] {
        var hunks: [Hunk] = []
        var current: Hunk?
        func close() throws(SyntaxError) {
            guard let hunk = current else { return }
            guard hunk.lines.contains(where: { if case .context = $0.content { false } else { true } }) else {
                throw SyntaxError(line: hunk.startLine, message: "hunk has no '-' or '+' lines")
            }
            hunks.append(hunk)
            current = nil
        }
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            if line.trimmingSpaces == endOfFile {
                guard current != nil else { throw SyntaxError(line: number, message: "'\(endOfFile)' outside a hunk") }
                current?.atEndOfFile = true
                index += 1
                try close()
                continue
            }
            if line.hasPrefix("*** ") { break }
            if line.hasPrefix("@@") {
                try close()
                let anchor = line.dropFirst(2).trimmingSpaces
                current = Hunk(anchor: anchor.isEmpty ? nil : anchor, lines: [], startLine: number, atEndOfFile: false)
                index += 1
                continue
            }
            let content: HunkLine
            switch line.first {
            case " "?: content = .context(String(line.dropFirst()))
            case "-"?: content = .removed(String(line.dropFirst()))
            case "+"?: content = .added(String(line.dropFirst()))
            case nil:
                // Blank lines before the next directive are spacing, not context; others are empty context lines.
                if onlyBlankLinesRemain(lines, from: index) {
                    index = nextDirective(lines, from: index)
                    continue
                }
                content = .context("")
            default:
                throw SyntaxError(
                    line: number, message: "hunk lines must start with ' ', '-' or '+' (or '@@' for a new hunk)")
            }
            if current == nil { current = Hunk(anchor: nil, lines: [], startLine: number, atEndOfFile: false) }
            if current?.atEndOfFile == true {
                throw SyntaxError(line: number, message: "hunk line after '\(endOfFile)'")
            }
            current?.lines.append((number, content))
            index += 1
        }
        try close()
        return hunks
    }

    /// True when every line from `start` up to the next `*** ` directive (or the end) is blank.
    private static func onlyBlankLinesRemain(_ lines: [String], from start: Int) -> Bool {
        lines[start..<nextDirective(lines, from: start)].allSatisfy { $0.trimmingSpaces.isEmpty }
    }

    /// Index of the next `*** ` directive at or after `start`, or `lines.count`.
    private static func nextDirective(_ lines: [String], from start: Int) -> Int {
        lines[start...].firstIndex { $0.hasPrefix("*** ") } ?? lines.count
    }

    /// The path after `prefix`, or nil when the line is another directive.
    private static func headerPath(_ line: String, prefix: String, number: Int) throws(SyntaxError) -> String? {
        guard line.hasPrefix(prefix) else { return nil }
        let path = line.dropFirst(prefix.count).trimmingSpaces
        guard !path.isEmpty else { throw SyntaxError(line: number, message: "'\(prefix)' needs a path") }
        return path
    }
}

extension String {
    /// The text split at every `\n` scalar. Splitting by `Character` would miss `\r\n`, which Swift treats as
    /// one character.
    var linesSplitAtNewlines: [String] {
        unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0))
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

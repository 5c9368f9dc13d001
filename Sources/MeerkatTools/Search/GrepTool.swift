import Foundation
public import MeerkatCore

/// `grep {pattern, path?, glob?, case_insensitive?, max_results?}`: regular-expression search over text files.
///
/// Uses `NSRegularExpression` (ICU syntax) with `^`/`$` anchoring at line boundaries. Binary files (a NUL byte
/// in the first 8 KiB), files over `maxFileBytes`, symbolic links and `.git` are skipped. Each result is one
/// matching line as `path:line: text`.
public struct GrepTool: Tool {
    /// Results returned when the model gives no `max_results`.
    public static let defaultMaxResults = 100
    /// The largest `max_results` accepted.
    public static let resultLimit = 1000
    /// Characters shown of a matching line.
    public static let maxLineLength = 500

    private let root: ProjectRoot
    private let maxFileBytes: Int

    /// A search confined to `root` that skips files over `maxFileBytes`.
    public init(root: ProjectRoot, maxFileBytes: Int = 2 * 1024 * 1024) {
        self.root = root
        self.maxFileBytes = maxFileBytes
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.grep.rawValue,
            description: """
                Search file contents with a regular expression (ICU syntax). Returns "path:line: text" for each \
                matching line. Binary files and files over \(maxFileBytes / 1024 / 1024) MiB are skipped. Use glob \
                to limit the files searched ("*.swift" matches file names anywhere; a pattern with "/" matches \
                the path relative to path).
                """,
            inputSchema: ToolSchema.object(
                [
                    "pattern": ToolSchema.string("Regular expression to search for."),
                    "path": ToolSchema.string(
                        "File or directory to search, relative to the project root (default \".\")."),
                    "glob": ToolSchema.string("Only search files matching this glob."),
                    "case_insensitive": ToolSchema.boolean("Match without regard to case (default false)."),
                    "max_results": ToolSchema.integer(
                        "Maximum matching lines to return (default \(Self.defaultMaxResults)).", minimum: 1,
                        maximum: Self.resultLimit),
                ], required: ["pattern"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let patternText = try args.requiredString("pattern")
        let caseInsensitive = try args.bool("case_insensitive") ?? false
        let maxResults = try args.integer("max_results", in: 1...Self.resultLimit) ?? Self.defaultMaxResults
        let fileFilter = try args.string("glob").map { GlobPattern($0, mode: .path) }
        let base = try root.resolve(try args.string("path") ?? ".")
        let regex: NSRegularExpression
        do {
            var options: NSRegularExpression.Options = [.anchorsMatchLines]
            if caseInsensitive { options.insert(.caseInsensitive) }
            regex = try NSRegularExpression(pattern: patternText, options: options)
        } catch {
            throw ToolError.invalidArguments("'pattern' is not a valid regular expression: \(patternText)")
        }
        guard let info = FileAccess.info(base) else {
            throw ToolError.executionFailed("'\(root.displayPath(base))' does not exist")
        }

        var search = Search(regex: regex, maxResults: maxResults, maxFileBytes: maxFileBytes)
        var complete = true
        if info.isDirectory {
            complete = DirectoryWalker().walk(base) { entry in
                guard !entry.isDirectory, !entry.isSymbolicLink else { return true }
                if let fileFilter {
                    let subject =
                        fileFilter.pattern.contains("/")
                        ? entry.relativePath : String(entry.relativePath.split(separator: "/").last ?? "")
                    guard fileFilter.matches(subject) else { return true }
                }
                search.scan(entry.path, display: root.displayPath(entry.path), size: entry.size)
                return !search.isFull && !Task.isCancelled
            }
        } else {
            search.scan(base, display: root.displayPath(base), size: info.size)
        }
        try Task.checkCancellation()

        var text = search.results.isEmpty ? "No matches for '\(patternText)'." : search.results.joined(separator: "\n")
        if search.isFull {
            text += "\n[stopped after \(maxResults) matching lines; narrow the search or raise max_results]"
        }
        if !complete { text += "\n[search stopped early: too many entries under '\(root.displayPath(base))']" }
        if search.skippedLarge > 0 {
            text += "\n[skipped \(search.skippedLarge) file(s) over \(maxFileBytes) bytes]"
        }
        return .text(text)
    }

    /// The running state of one search.
    private struct Search {
        let regex: NSRegularExpression
        let maxResults: Int
        let maxFileBytes: Int
        var results: [String] = []
        var skippedLarge = 0

        var isFull: Bool { results.count >= maxResults }

        init(regex: NSRegularExpression, maxResults: Int, maxFileBytes: Int) {
            self.regex = regex
            self.maxResults = maxResults
            self.maxFileBytes = maxFileBytes
        }

        /// Adds the matching lines of one file.
        mutating func scan(_ path: String, display: String, size: Int) {
            guard !isFull else { return }
            guard size <= maxFileBytes else {
                skippedLarge += 1
                return
            }
            guard let data = FileManager.default.contents(atPath: path), !FileAccess.looksBinary(data) else { return }
            let text = String(decoding: data, as: UTF8.self)
            let utf16 = Array(text.utf16)
            // UTF-16 offsets where each line starts, to turn match locations into line numbers.
            var lineStarts = [0]
            for (offset, unit) in utf16.enumerated() where unit == 0x0A { lineStarts.append(offset + 1) }
            var lastLine = -1
            let whole = NSRange(location: 0, length: utf16.count)
            var found: [Int] = []
            let limit = maxResults - results.count
            regex.enumerateMatches(in: text, options: [], range: whole) { match, _, stop in
                guard let match else { return }
                let line = Self.lineIndex(of: match.range.location, in: lineStarts)
                if line != lastLine {
                    lastLine = line
                    found.append(line)
                    if found.count >= limit { stop.pointee = true }
                }
            }
            for line in found {
                let start = lineStarts[line]
                var end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : utf16.count
                if end > start, utf16[end - 1] == 0x0D { end -= 1 }
                var content = String(decoding: utf16[start..<end], as: UTF16.self)
                if content.count > GrepTool.maxLineLength {
                    content = String(content.prefix(GrepTool.maxLineLength)) + " …"
                }
                results.append("\(display):\(line + 1): \(content)")
            }
        }

        /// The 0-based line containing UTF-16 offset `location`.
        private static func lineIndex(of location: Int, in starts: [Int]) -> Int {
            var low = 0
            var high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= location { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }
}

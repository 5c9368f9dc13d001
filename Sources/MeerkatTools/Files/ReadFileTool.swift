import Foundation
public import MeerkatCore

/// `read_file {path, offset?, limit?}`: numbered lines of a text file, optionally a 1-based line range.
///
/// Output is capped at `maxOutputBytes`; when the cap or the line limit cuts the file short, a closing note
/// says which lines were shown and which `offset` continues.
public struct ReadFileTool: Tool {
    /// Lines returned when the model gives no `limit`.
    public static let defaultLineLimit = 2000
    /// Characters kept of a single line; longer lines are cut with a marker.
    public static let maxLineLength = 2000

    private let root: ProjectRoot
    private let maxOutputBytes: Int

    /// A reader confined to `root` that returns at most `maxOutputBytes` of text per call.
    public init(root: ProjectRoot, maxOutputBytes: Int = 256 * 1024) {
        self.root = root
        self.maxOutputBytes = maxOutputBytes
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.readFile.rawValue,
            description: """
                Read a text file from the project. Returns numbered lines ("<line>\\t<text>"). Use offset (1-based \
                first line) and limit (number of lines) to page through large files. Binary files are refused.
                """,
            inputSchema: ToolSchema.object(
                [
                    "path": ToolSchema.string("File path, relative to the project root (or absolute inside it)."),
                    "offset": ToolSchema.integer("1-based line number to start at (default 1).", minimum: 1),
                    "limit": ToolSchema.integer(
                        "Maximum number of lines to return (default \(Self.defaultLineLimit)).", minimum: 1),
                ], required: ["path"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let requested = try args.requiredString("path")
        let offset = try args.integer("offset", in: 1...Int.max) ?? 1
        let limit = try args.integer("limit", in: 1...Int.max) ?? Self.defaultLineLimit
        let path = try root.resolve(requested)
        let display = root.displayPath(path)
        try FileAccess.requireRegularFile(path, display: display)
        return .text(try read(path, display: display, offset: offset, limit: limit))
    }

    private func read(_ path: String, display: String, offset: Int, limit: Int) throws(ToolError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .executionFailed("cannot open '\(display)' for reading")
        }
        defer { try? handle.close() }
        let end = offset.addingReportingOverflow(limit)
        var reader = LineScanner(
            wanted: offset..<(end.overflow ? Int.max : end.partialValue), byteCap: Self.maxLineLength * 4)
        var output = ""
        var outputBytes = 0
        var shownFirst: Int?
        var shownLast = 0
        var cutByBytes = false
        var sniffed = false
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 64 * 1024) ?? Data()
            } catch {
                throw .executionFailed("cannot read '\(display)': \(error.localizedDescription)")
            }
            if !sniffed {
                sniffed = true
                if FileAccess.looksBinary(chunk) { throw FileAccess.binaryRefusal(display) }
            }
            let lines = chunk.isEmpty ? reader.finish() : reader.feed(chunk)
            for scanned in lines where !cutByBytes {
                let number = scanned.number
                let line = Self.render(scanned)
                if outputBytes + line.utf8.count > maxOutputBytes, shownFirst != nil {
                    cutByBytes = true
                    continue
                }
                output += line
                outputBytes += line.utf8.count
                shownFirst = shownFirst ?? number
                shownLast = number
            }
            if chunk.isEmpty { break }
        }
        let total = reader.lineCount
        if total == 0 { return "(\(display) is empty)" }
        guard let first = shownFirst else {
            throw .invalidArguments("offset \(offset) is past the end of '\(display)' (\(total) lines)")
        }
        if cutByBytes {
            output +=
                "\n[output truncated at \(maxOutputBytes) bytes: showing lines \(first)-\(shownLast) of \(total);"
                + " continue with offset=\(shownLast + 1)]"
        } else if shownLast < total {
            output += "\n[showing lines \(first)-\(shownLast) of \(total); continue with offset=\(shownLast + 1)]"
        }
        return output
    }

    private static func render(_ line: LineScanner.Line) -> String {
        var text = String(decoding: line.bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        if line.droppedBytes > 0 || text.count > maxLineLength {
            text = String(text.prefix(maxLineLength)) + " … [line truncated]"
        }
        let label = String(line.number)
        return String(repeating: " ", count: max(0, 6 - label.count)) + label + "\t" + text + "\n"
    }
}

/// Splits a byte stream into numbered lines without holding the whole file: only lines in `wanted` are
/// collected, and each is capped at `byteCap` bytes (the rest is counted, not stored).
private struct LineScanner {
    /// One collected line.
    struct Line {
        var number: Int
        var bytes: [UInt8]
        var droppedBytes: Int
    }

    let wanted: Range<Int>
    let byteCap: Int
    private var pending: [UInt8] = []
    private var dropped = 0
    // True when bytes arrived after the last newline (a final line without a newline still counts).
    private var partial = false
    private(set) var lineCount = 0

    init(wanted: Range<Int>, byteCap: Int) {
        self.wanted = wanted
        self.byteCap = byteCap
    }

    /// Lines completed by `chunk`.
    mutating func feed(_ chunk: Data) -> [Line] {
        var lines: [Line] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                lineCount += 1
                if wanted.contains(lineCount) {
                    lines.append(Line(number: lineCount, bytes: pending, droppedBytes: dropped))
                }
                pending.removeAll(keepingCapacity: true)
                dropped = 0
                partial = false
            } else {
                partial = true
                if wanted.contains(lineCount + 1) {
                    if pending.count < byteCap { pending.append(byte) } else { dropped += 1 }
                }
            }
        }
        return lines
    }

    /// The final line when the file does not end with a newline.
    mutating func finish() -> [Line] {
        guard partial else { return [] }
        lineCount += 1
        defer {
            pending.removeAll()
            dropped = 0
            partial = false
        }
        return wanted.contains(lineCount) ? [Line(number: lineCount, bytes: pending, droppedBytes: dropped)] : []
    }
}

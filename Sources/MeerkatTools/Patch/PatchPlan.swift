import Foundation
import MeerkatCore

/// The validated effect of a patch: the file writes and deletions to perform, computed entirely in memory
/// against the current file contents before anything on disk changes.
struct PatchPlan {
    /// One change to perform on disk.
    enum Change {
        case write(path: String, bytes: [UInt8])
        case delete(path: String)
    }

    /// Changes in patch order.
    var changes: [Change]
    /// One summary line per operation (`A path`, `M path`, `D path`, `R old -> new`).
    var summary: [String]

    /// Largest file an update may touch.
    static let maxFileBytes = 10 * 1024 * 1024

    /// A text file's lines and how to write them back.
    private struct TextFile {
        var lines: [String]
        var lineEnding: String
        var endsWithNewline: Bool

        init(bytes: [UInt8]) throws(PatchFailure) {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw PatchFailure("is not valid UTF-8") }
            lineEnding = text.contains("\r\n") ? "\r\n" : "\n"
            var parts = text.linesSplitAtNewlines
            endsWithNewline = parts.last == ""
            if endsWithNewline { parts.removeLast() }
            if lineEnding == "\r\n" { parts = parts.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 } }
            lines = parts
        }

        var bytes: [UInt8] {
            if lines.isEmpty { return [] }
            return Array((lines.joined(separator: lineEnding) + (endsWithNewline ? lineEnding : "")).utf8)
        }
    }

    /// A failure message without its location.
    private struct PatchFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Builds the plan for `document`, reading files under `root`. Throws a `ToolError` whose message starts
    /// with `patch line N:`.
    static func make(_ document: PatchDocument, root: ProjectRoot) throws(ToolError) -> PatchPlan {
        // The patch's view of the file system: nil marks a file the patch deleted.
        var files: [String: [UInt8]?] = [:]
        var changes: [Change] = []
        var summary: [String] = []

        func resolve(_ path: String, line: Int) throws(ToolError) -> String {
            do {
                return try root.resolve(path)
            } catch {
                throw located(error, line: line)
            }
        }
        func current(_ path: String) -> [UInt8]? {
            if let known = files[path] { return known }
            guard let info = FileAccess.info(path), info.isRegularFile else { return nil }
            return try? FileAccess.readBytes(path, display: path)
        }
        func exists(_ path: String) -> Bool {
            if let known = files[path] { return known != nil }
            return FileAccess.info(path) != nil
        }

        for operation in document.operations {
            switch operation {
            case .add(let requested, let lines, let line):
                let path = try resolve(requested, line: line)
                let display = root.displayPath(path)
                guard !exists(path) else {
                    throw .executionFailed("patch line \(line): cannot add '\(display)': it already exists")
                }
                try requireDirectoryAncestor(of: path, line: line, root: root)
                let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
                files[path] = bytes
                changes.append(.write(path: path, bytes: bytes))
                summary.append("A \(display)")
            case .delete(let requested, let line):
                let path = try resolve(requested, line: line)
                let display = root.displayPath(path)
                guard exists(path) else {
                    throw .executionFailed("patch line \(line): cannot delete '\(display)': it does not exist")
                }
                if files[path] == nil, let info = FileAccess.info(path), !info.isRegularFile {
                    throw .executionFailed("patch line \(line): cannot delete '\(display)': it is not a regular file")
                }
                files[path] = .some(nil)
                changes.append(.delete(path: path))
                summary.append("D \(display)")
            case .update(let requested, let moveTo, let hunks, let line):
                let path = try resolve(requested, line: line)
                let display = root.displayPath(path)
                if files[path] == nil {
                    if let info = FileAccess.info(path), !info.isRegularFile {
                        throw .executionFailed(
                            "patch line \(line): cannot update '\(display)': it is not a regular file")
                    }
                    if let info = FileAccess.info(path), info.size > maxFileBytes {
                        throw .executionFailed(
                            "patch line \(line): cannot update '\(display)': it is over \(maxFileBytes) bytes")
                    }
                }
                guard let original = current(path) else {
                    throw .executionFailed("patch line \(line): cannot update '\(display)': it does not exist")
                }
                if FileAccess.looksBinary(original) {
                    throw .executionFailed("patch line \(line): cannot update '\(display)': it is a binary file")
                }
                var file: TextFile
                do {
                    file = try TextFile(bytes: original)
                } catch {
                    throw .executionFailed("patch line \(line): cannot update '\(display)': it \(error.message)")
                }
                var cursor = 0
                for hunk in hunks {
                    try apply(hunk, to: &file.lines, cursor: &cursor, display: display)
                }
                var target = path
                if let moveTo {
                    target = try resolve(moveTo.path, line: moveTo.line)
                    try requireDirectoryAncestor(of: target, line: moveTo.line, root: root)
                    if target != path, exists(target) {
                        throw .executionFailed(
                            "patch line \(moveTo.line): cannot move '\(display)' to '\(root.displayPath(target))':"
                                + " the destination already exists")
                    }
                }
                let bytes = file.bytes
                files[target] = bytes
                changes.append(.write(path: target, bytes: bytes))
                if target != path {
                    files[path] = .some(nil)
                    changes.append(.delete(path: path))
                    summary.append("R \(display) -> \(root.displayPath(target))")
                } else {
                    summary.append("M \(display)")
                }
            }
        }
        return PatchPlan(changes: changes, summary: summary)
    }

    /// Refuses a new file whose nearest existing ancestor is not a directory (e.g. `a.txt/b` when `a.txt` is a
    /// file), so that the failure happens while planning rather than half-way through writing.
    private static func requireDirectoryAncestor(of path: String, line: Int, root: ProjectRoot) throws(ToolError) {
        var ancestor = (path as NSString).deletingLastPathComponent
        while root.contains(ancestor), ancestor != root.path {
            if let info = FileAccess.info(ancestor) {
                guard info.isDirectory else {
                    throw .executionFailed(
                        "patch line \(line): cannot create '\(root.displayPath(path))': '\(root.displayPath(ancestor))'"
                            + " is not a directory")
                }
                return
            }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
    }

    /// Performs the changes in order. A failure part-way leaves earlier changes applied (the plan was fully
    /// validated, so only I/O errors can get here) and says how far it got.
    func commit(root: ProjectRoot) throws(ToolError) {
        for (index, change) in changes.enumerated() {
            do {
                switch change {
                case .write(let path, let bytes):
                    try FileAccess.write(bytes, to: path, display: root.displayPath(path))
                case .delete(let path):
                    do {
                        try FileManager.default.removeItem(atPath: path)
                    } catch {
                        throw ToolError.executionFailed(
                            "cannot delete '\(root.displayPath(path))': \(error.localizedDescription)")
                    }
                }
            } catch {
                throw .executionFailed(
                    "apply_patch stopped after \(index) of \(changes.count) changes: \(error)")
            }
        }
    }

    // MARK: - Hunks

    /// Replaces the hunk's old lines with its new lines at the first match at or after `cursor`.
    private static func apply(
        _ hunk: PatchDocument.Hunk, to lines: inout [String], cursor: inout Int, display: String
    ) throws(ToolError) {
        if let anchor = hunk.anchor {
            guard let found = lines[min(cursor, lines.count)...].firstIndex(where: { $0.trimmingSpaces == anchor })
            else {
                throw .executionFailed(
                    "patch line \(hunk.startLine): anchor '@@ \(anchor)' not found in '\(display)'"
                        + (cursor > 0 ? " after line \(cursor)" : ""))
            }
            cursor = found + 1
        }
        let old = hunk.oldLines
        if old.isEmpty {
            let new = hunk.newLines
            let position = hunk.anchor == nil ? lines.count : cursor
            lines.insert(contentsOf: new, at: position)
            cursor = position + new.count
            return
        }
        guard let position = locate(old, in: lines, from: cursor, atEnd: hunk.atEndOfFile) else {
            throw mismatch(hunk, lines: lines, from: cursor, display: display)
        }
        // Context lines keep the file's own text (a whitespace-tolerant match must not rewrite them).
        var replacement: [String] = []
        var fileIndex = position
        for entry in hunk.lines {
            switch entry.content {
            case .context:
                replacement.append(lines[fileIndex])
                fileIndex += 1
            case .removed:
                fileIndex += 1
            case .added(let text):
                replacement.append(text)
            }
        }
        lines.replaceSubrange(position..<(position + old.count), with: replacement)
        cursor = position + replacement.count
    }

    /// Where `old` occurs, trying exact matches first, then ignoring trailing and finally surrounding
    /// whitespace (models often get indentation of blank lines wrong).
    private static func locate(_ old: [String], in lines: [String], from cursor: Int, atEnd: Bool) -> Int? {
        let comparisons: [(String, String) -> Bool] = [
            { $0 == $1 },
            { $0.trimmingTrailingWhitespace == $1.trimmingTrailingWhitespace },
            { $0.trimmingCharacters(in: .whitespaces) == $1.trimmingCharacters(in: .whitespaces) },
        ]
        let last = lines.count - old.count
        guard last >= cursor else { return nil }
        for equal in comparisons {
            let candidates = atEnd ? Array([last] + Array(cursor..<last)) : Array(cursor...last)
            for start in candidates where zip(lines[start...], old).allSatisfy(equal) {
                return start
            }
        }
        return nil
    }

    /// An error naming the first patch line that does not match, at the position where most of the hunk
    /// matched.
    private static func mismatch(
        _ hunk: PatchDocument.Hunk, lines: [String], from cursor: Int, display: String
    ) -> ToolError {
        let old = hunk.oldLines
        let numbers = hunk.oldLineNumbers
        var best = (start: cursor, matched: 0)
        if cursor < lines.count {
            for start in cursor..<lines.count {
                let matched = zip(lines[start...], old).prefix {
                    $0.trimmingCharacters(in: .whitespaces) == $1.trimmingCharacters(in: .whitespaces)
                }.count
                if matched > best.matched { best = (start, matched) }
            }
        }
        let failing = min(best.matched, old.count - 1)
        let fileLine = best.start + failing + 1
        let found =
            fileLine <= lines.count
            ? "line \(fileLine) is '\(lines[fileLine - 1])'" : "the file ends at line \(lines.count)"
        if best.matched == 0 {
            return .executionFailed(
                "patch line \(numbers[0]): hunk does not match '\(display)': no line equal to '\(old[0])'"
                    + (cursor > 0 ? " after line \(cursor)" : ""))
        }
        return .executionFailed(
            "patch line \(numbers[failing]): hunk does not match '\(display)': expected '\(old[failing])' but \(found)")
    }

    /// Prefixes a resolution error with its patch line, keeping its kind.
    private static func located(_ error: ToolError, line: Int) -> ToolError {
        switch error {
        case .accessDenied(let message): .accessDenied("patch line \(line): \(message)")
        case .invalidArguments(let message): .invalidArguments("patch line \(line): \(message)")
        default: .executionFailed("patch line \(line): \(error.description)")
        }
    }
}

extension String {
    /// The string without trailing spaces, tabs and carriage returns.
    fileprivate var trimmingTrailingWhitespace: String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" || last == "\r" { copy.removeLast() }
        return copy
    }
}

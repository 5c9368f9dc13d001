import Foundation
import MeerkatCore

/// File-system helpers shared by the file tools: existence checks, binary detection and capped reads,
/// each failing with a `ToolError` that names the path as the model wrote it.
enum FileAccess {
    /// How many leading bytes are inspected for a NUL byte to call a file binary.
    static let binarySniffLength = 8 * 1024

    /// What `stat` says about an existing path.
    struct Info {
        var isDirectory: Bool
        var isRegularFile: Bool
        var size: Int
    }

    /// Information about `path`, or nil when nothing exists there.
    static func info(_ path: String) -> Info? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let type = attributes[.type] as? FileAttributeType
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return Info(isDirectory: type == .typeDirectory, isRegularFile: type == .typeRegular, size: size)
    }

    /// Requires a regular file at `path`; returns its size.
    @discardableResult
    static func requireRegularFile(_ path: String, display: String) throws(ToolError) -> Info {
        guard let info = info(path) else { throw .executionFailed("file '\(display)' does not exist") }
        if info.isDirectory { throw .executionFailed("'\(display)' is a directory, not a file") }
        guard info.isRegularFile else { throw .executionFailed("'\(display)' is not a regular file") }
        return info
    }

    /// True when the bytes contain a NUL within the first `binarySniffLength` bytes.
    static func looksBinary(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.prefix(binarySniffLength).contains(0)
    }

    /// The refusal for a binary file.
    static func binaryRefusal(_ display: String) -> ToolError {
        .executionFailed(
            "'\(display)' looks like a binary file (NUL byte in the first 8 KiB); only text files are supported")
    }

    /// Reads a whole text file of at most `maxBytes`, refusing binary files.
    static func readText(_ path: String, display: String, maxBytes: Int) throws(ToolError) -> [UInt8] {
        let info = try requireRegularFile(path, display: display)
        guard info.size <= maxBytes else {
            throw .executionFailed("'\(display)' is \(info.size) bytes, over the \(maxBytes)-byte limit for this tool")
        }
        let bytes = try readBytes(path, display: display)
        if looksBinary(bytes) { throw binaryRefusal(display) }
        return bytes
    }

    /// Reads a whole file.
    static func readBytes(_ path: String, display: String) throws(ToolError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .executionFailed("cannot read '\(display)': \(error.localizedDescription)")
        }
    }

    /// Writes bytes, creating missing parent directories; the file keeps its permissions when it exists.
    static func write(_ bytes: [UInt8], to path: String, display: String) throws(ToolError) {
        if let info = info(path), info.isDirectory {
            throw .executionFailed("'\(display)' is a directory, not a file")
        }
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .executionFailed("cannot write '\(display)': \(error.localizedDescription)")
        }
    }
}

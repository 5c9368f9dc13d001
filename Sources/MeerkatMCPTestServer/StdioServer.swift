import Foundation
import MeerkatCore

/// Serves newline-delimited JSON-RPC on stdin/stdout until stdin ends.
enum StdioServer {
    static func run(_ logic: TestServerLogic) -> Never {
        while let line = readLine(strippingNewline: true) {
            guard !line.isEmpty, let message = try? JSONValue.parse(line) else { continue }
            switch logic.handle(message) {
            case .none, .hang:
                continue
            case .response(let response):
                FileHandle.standardOutput.write(Data((response.compactText() + "\n").utf8))
            case .crash:
                FileHandle.standardError.write(Data("crashing on request\n".utf8))
                exit(3)
            }
        }
        exit(0)
    }
}

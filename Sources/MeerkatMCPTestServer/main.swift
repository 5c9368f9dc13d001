import Foundation

// A small MCP server for the MeerkatTools tests: stdio by default, streamable HTTP on 127.0.0.1 with `--http`.
do {
    let options = try TestServerOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let logic = TestServerLogic(options: options)
    if options.http {
        try await HTTPServer.run(logic, port: options.port)
    } else {
        StdioServer.run(logic)
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("usage: \(error.message)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}

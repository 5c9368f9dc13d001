/// Command-line options of the test server.
struct TestServerOptions: Sendable {
    /// Serve streamable HTTP on 127.0.0.1 instead of stdio.
    var http = false
    /// HTTP port (0: ephemeral).
    var port = 0
    /// The tools to expose.
    var tools = ["echo", "fail", "image", "crash"]
    /// Tools per `tools/list` page (exercises the pagination cursor).
    var pageSize = 2
    /// Never answer `initialize` (to exercise the connect timeout).
    var hangInitialize = false
    /// A FIFO read to its end before `initialize` is answered (lets a test hold the handshake).
    var gate: String?
    /// `serverInfo.name`.
    var name = "meerkat-mcp-test-server"

    /// Parses `--http`, `--port N`, `--tools a,b`, `--page-size N`, `--hang-initialize`, `--gate PATH`,
    /// `--name NAME`.
    init(arguments: [String]) throws(UsageError) {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws(UsageError) -> String {
            guard let value = iterator.next() else { throw UsageError(message: "\(flag) needs a value") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--http": http = true
            case "--port":
                guard let number = Int(try value(argument)) else { throw UsageError(message: "--port needs a number") }
                port = number
            case "--tools": tools = try value(argument).split(separator: ",").map(String.init)
            case "--page-size":
                guard let number = Int(try value(argument)), number > 0 else {
                    throw UsageError(message: "--page-size needs a positive number")
                }
                pageSize = number
            case "--hang-initialize": hangInitialize = true
            case "--gate": gate = try value(argument)
            case "--name": name = try value(argument)
            default: throw UsageError(message: "unknown argument '\(argument)'")
            }
        }
    }
}

/// A bad command line.
struct UsageError: Error {
    var message: String
}

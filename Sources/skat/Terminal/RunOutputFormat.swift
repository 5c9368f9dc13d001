import ArgumentParser

/// How `skat run` prints: streamed text, one JSON result per input, or every event as a JSON line.
enum RunOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
    case streamJSON = "stream-json"
}

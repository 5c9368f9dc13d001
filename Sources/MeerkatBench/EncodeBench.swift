import Foundation
import MeerkatCore
import MeerkatRuntime

/// What the stores and the event pump pay to turn one value into JSON: `JSONEncoder` (the reference), the one-pass
/// byte writer `WireJSON.encodeBytes` (the stores' rows, the request-size estimate) and the tree
/// `WireJSON.toJSONValue` (the event log); and back, `JSONValue.parse` and a `JSONCursor` walk. The values are real: an
/// input row after its run, and a transcript message.
enum EncodeBench {
    static func run() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: store)
        try await runtime.attach(TrivialExecutor())
        let (_, handle) = try await runtime.accept(
            .prompt(PromptInput(content: .text("summarise the notes in the project folder"))), wantsCompletion: true)
        _ = try await handle?.wait()
        guard let row = try await store.loadInputs(runtime.runtimeID).first else {
            print("no input row to encode")
            return
        }
        let message = Message.assistant(
            blocks: [.text(text: "The notes describe three tasks; the first is done.", meta: nil)],
            stopReason: .endTurn, createdAt: Date())
        let count = 20_000
        for round in 0..<2 {
            print("-- round \(round + 1) (\(count) encodes each; µs per value)")
            measure("input row (\(try WireJSON.encodeBytes(row).count) bytes)", row, count: count)
            measure("assistant message (\(try WireJSON.encodeBytes(message).count) bytes)", message, count: count)
        }
    }

    private static func measure(_ label: String, _ value: some Encodable, count: Int) {
        let encoder = WireJSON.encoder()
        let foundation = time(count) { _ = try? encoder.encode(value) }
        let bytes = time(count) { _ = try? WireJSON.encodeBytes(value) }
        let tree = time(count) { _ = try? WireJSON.toJSONValue(value) }
        // And back: the text parsed into a tree, and walked with a cursor that reads nothing (the parser's checks).
        let text = (try? WireJSON.encodeString(value)) ?? "{}"
        let parse = time(count) { _ = try? JSONValue.parse(text) }
        let walk = time(count) {
            _ = try? JSONValue.read(text) { cursor throws(JSONValue.ParseError) in try cursor.skip() }
        }
        print(
            String(
                format: "%@: JSONEncoder %.2f · encodeBytes %.2f · toJSONValue %.2f · parse %.2f · cursor skip %.2f",
                label, foundation, bytes, tree, parse, walk))
    }

    /// Microseconds per call.
    private static func time(_ count: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { body() }
        let elapsed = (clock.now - start).components
        return (Double(elapsed.seconds) * 1e6 + Double(elapsed.attoseconds) / 1e12) / Double(count)
    }
}

import Foundation
import MeerkatCore
import Synchronization
import Testing

@testable import MeerkatTools

/// A clock whose sleeps report that they started and then last until cancelled.
final class ParkedClock: ToolClock {
    let started: AsyncStream<Duration>
    private let continuation: AsyncStream<Duration>.Continuation

    init() {
        (started, continuation) = AsyncStream.makeStream()
    }

    func sleep(for duration: Duration) async throws {
        continuation.yield(duration)
        // Only cancellation ends this sleep (the test never waits for real time to pass).
        try await Task.sleep(for: .seconds(86_400))
    }
}

/// A clock whose sleeps return at once.
struct InstantClock: ToolClock {
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
    }
}

@Suite struct WaitToolTests {
    @Test func wokenByTheYieldSignal() async throws {
        let clock = ParkedClock()
        let signal = YieldSignal()
        let call = Task {
            try await callJSON(
                WaitTool(clock: clock), ["seconds": 600, "reason": "build"], context: testContext(signal: signal))
        }
        var iterator = clock.started.makeAsyncIterator()
        let requested = await iterator.next()
        #expect(requested == .seconds(600))
        signal.fire()
        let result = try await call.value
        #expect(result["woken_by"] == "yield_signal")
        #expect(result["requested_secs"] == 600)
        #expect(result["reason"] == "build")
    }

    @Test func endsWhenTheTimeIsUp() async throws {
        let result = try await callJSON(WaitTool(clock: InstantClock()), ["seconds": 2.5])
        #expect(result["woken_by"] == "timeout")
        #expect(result["requested_secs"] == 2.5)
    }

    @Test func endsOnCancellation() async throws {
        let clock = ParkedClock()
        let call = Task { try await callJSON(WaitTool(clock: clock), ["seconds": 60]) }
        var iterator = clock.started.makeAsyncIterator()
        _ = await iterator.next()
        call.cancel()
        let result = try await call.value
        #expect(result["woken_by"] == "cancelled")
    }

    @Test func rejectsOutOfRangeSeconds() async throws {
        let tool = WaitTool(clock: InstantClock())
        #expect(await callError(tool, ["seconds": -1])?.isInvalidArguments == true)
        #expect(await callError(tool, ["seconds": 99_999])?.isInvalidArguments == true)
    }
}

@Suite struct DateTimeToolTests {
    @Test func reportsAllFieldsInTheConfiguredZone() async throws {
        // 2026-11-21T10:30:05Z, a Saturday; Berlin is UTC+1 in November.
        let instant = Date(timeIntervalSince1970: 1_795_257_005)
        let tool = DateTimeTool(timeZone: TimeZone(identifier: "Europe/Berlin")!, now: { instant })
        let result = try await callJSON(tool, [:])
        #expect(result["iso8601"] == "2026-11-21T11:30:05+01:00")
        #expect(result["date"] == "2026-11-21")
        #expect(result["time"] == "11:30:05")
        #expect(result["timezone"] == "Europe/Berlin")
        #expect(result["utc_offset"] == "+01:00")
        #expect(result["unix_timestamp"] == 1_795_257_005)
        #expect(result["weekday"] == "Saturday")
    }

    @Test func negativeOffsets() async throws {
        let instant = Date(timeIntervalSince1970: 1_795_257_005)
        let tool = DateTimeTool(timeZone: TimeZone(identifier: "America/St_Johns")!, now: { instant })
        let result = try await callJSON(tool, [:])
        #expect(result["utc_offset"] == "-03:30")
        #expect(result["time"] == "07:00:05")
    }

    @Test func takesNoArguments() async throws {
        #expect(await callError(DateTimeTool(), ["zone": "UTC"])?.isInvalidArguments == true)
        #expect(DateTimeTool().definition.inputSchema["required"] == [])
    }
}

@Suite struct ViewImageToolTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    @Test(
        arguments: [
            (png, ImageFormat.png),
            ([0xFF, 0xD8, 0xFF, 0xE0, 1, 2], .jpeg),
            (Array("GIF89a....".utf8), .gif),
            (Array("GIF87a....".utf8), .gif),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
        ] as [([UInt8], ImageFormat)])
    func detectsFormatsByMagicBytes(bytes: [UInt8], format: ImageFormat) {
        #expect(ImageFormat.detect(bytes) == format)
    }

    @Test func unknownBytesAreNotImages() {
        #expect(ImageFormat.detect(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8)) == nil)
        #expect(ImageFormat.detect([0x89, 0x50]) == nil)
        #expect(ImageFormat.detect(Array("<svg></svg>".utf8)) == nil)
    }

    @Test func returnsAnInlineImageBlock() async throws {
        let project = try TempProject()
        try project.writeBytes("pics/shot.dat", Self.png)
        let output = try await ViewImageTool(root: project.root).call(["path": "pics/shot.dat"], context: testContext())
        #expect(!output.isError)
        #expect(output.content.count == 2)
        #expect(
            output.content.last
                == .image(mediaType: "image/png", source: .inline(data: Data(Self.png).base64EncodedString())))
    }

    @Test func refusesNonImagesAndOversizedFiles() async throws {
        let project = try TempProject()
        try project.write("notes.png", "just text")
        try project.writeBytes("big.png", Self.png + Array(repeating: 0, count: 100))
        let tool = ViewImageTool(root: project.root, maxBytes: 64)
        #expect(
            await callError(tool, ["path": "notes.png"])
                == .executionFailed("'notes.png' is not a PNG, JPEG, GIF or WebP image"))
        let big = await callError(tool, ["path": "big.png"])
        #expect(big == .executionFailed("'big.png' is 112 bytes, over the 64-byte image limit"))
    }
}

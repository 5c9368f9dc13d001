import Foundation
import MeerkatTesting
import Testing

@testable import MeerkatCore

/// The arithmetic timestamp formatter and parser agree with Foundation's `ISO8601FormatStyle`, which they replace on
/// the hot path, for every date they handle; texts they do not handle still go to Foundation.
@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    static let edges: [Double] = [
        0, -1, 1, 999, 1000, -999, -1000, 86_399_999, 86_400_000, 951_782_400_000,  // 2000-02-29
        4_107_542_399_999,  // 2100-02-28T23:59:59.999
        -30_610_224_000_000,  // 1000-01-01 (Foundation's Julian calendar: left to it)
        -11_676_096_000_000, -11_676_096_000_001,  // 1600-01-01 and the millisecond before
        253_402_300_799_999,  // 9999-12-31T23:59:59.999
        1_796_558_400_123, 1_796_558_400_999.6, 1_796_558_400_000.4,
    ]

    @Test func formattingMatchesFoundation() {
        var generator = SeededRandom(seed: 42)
        var samples = Self.edges
        for _ in 0..<5_000 {
            samples.append(Double(Int64.random(in: -30_610_224_000_000...253_402_300_799_999, using: &generator)))
            samples.append(Double(Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &generator)))
            // Sub-millisecond parts exercise the rounding.
            samples.append(Double.random(in: 0...4_102_444_800_000, using: &generator))
        }
        for milliseconds in samples {
            let date = Date(timeIntervalSince1970: milliseconds / 1000)
            let reference = WireJSON.foundationFormatDate((date.timeIntervalSince1970 * 1000).rounded())
            #expect(WireJSON.formatDate(date) == reference, "\(milliseconds)")
        }
    }

    @Test func parsingMatchesFoundationAndRoundTrips() {
        var generator = SeededRandom(seed: 7)
        var texts: [String] = []
        for milliseconds in Self.edges where milliseconds >= -11_676_096_000_000 {
            texts.append(WireJSON.formatDate(Date(timeIntervalSince1970: milliseconds / 1000)))
        }
        for _ in 0..<5_000 {
            let milliseconds = Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &generator)
            texts.append(WireJSON.formatDate(Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
        }
        for text in texts {
            let whole = String(text.prefix(19)) + "Z"
            for candidate in [text, whole] {
                let fast = RFC3339.parseMilliseconds(candidate)
                #expect(fast != nil, "\(candidate)")
                #expect(WireJSON.parseDate(candidate) == WireJSON.foundationParseDate(candidate), "\(candidate)")
            }
            #expect(WireJSON.parseDate(text).map(WireJSON.formatDate) == text)
        }
    }

    @Test func otherShapesAreLeftToFoundation() {
        for text in [
            "2026-12-06T18:20:00.123456Z", "2026-12-06T18:20:00+01:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-12-06 18:20:00Z", "2026-12-06T18:20:00.1Z", "not a date", "",
        ] {
            #expect(RFC3339.parseMilliseconds(text) == nil, "\(text)")
            #expect(WireJSON.parseDate(text) == WireJSON.foundationParseDate(text), "\(text)")
        }
    }
}

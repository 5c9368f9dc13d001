import Foundation
import MeerkatCore
import Testing

/// The hand-written UUID text form is held to Foundation's: the same text for every UUID, and the same result for
/// every string parsed (the canonical form read directly, looser spellings left to Foundation).
@Suite struct UUIDTextTests {
    @Test func formatsAsFoundationLowercased() {
        var generator = SystemRandomNumberGenerator()
        var samples = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        samples.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for _ in 0..<2_000 { samples.append(UUID()) }
        for _ in 0..<2_000 {
            let words = (generator.next() as UInt64, generator.next() as UInt64)
            samples.append(withUnsafeBytes(of: words) { UUID(uuid: $0.load(as: uuid_t.self)) })
        }
        for uuid in samples {
            #expect(uuid.lowercaseText == uuid.uuidString.lowercased())
        }
    }

    @Test func acceptsAndRefusesWhatFoundationDoes() {
        let base = "01a24f98-4c73-7172-8ffe-3400317f7d4f"
        var candidates = [
            base, base.uppercased(), "01A24F98-4c73-7172-8FFE-3400317f7d4f", "", "-", base + "0",
            String(base.dropLast()), "01a24f984c7371728ffe3400317f7d4f", "{01a24f98-4c73-7172-8ffe-3400317f7d4f}",
            " " + base.dropFirst(), "01a24f98_4c73-7172-8ffe-3400317f7d4f", "01a24f98-4c73-7172-8ffe-3400317f7d4g",
            "é1a24f98-4c73-7172-8ffe-3400317f7d4", "01a24f98-4c737-172-8ffe-3400317f7d4f",
            "+1a24f98-4c73-7172-8ffe-3400317f7d4f",
        ]
        // Every position replaced by every printable ASCII character and a few others.
        let alphabet = (32...126).map { Character(UnicodeScalar(UInt8($0))) } + ["\u{0}", "\n", "ä"]
        for position in 0..<base.count {
            for character in alphabet {
                var text = Array(base)
                text[position] = character
                candidates.append(String(text))
            }
        }
        for text in candidates {
            let ours = UUID(canonicalText: text)
            let foundation = UUID(uuidString: text)
            #expect(ours == foundation, "\(text.debugDescription)")
        }
    }

    @Test func identifiersUseIt() throws {
        let id = InputID()
        #expect(id.description == id.uuid.uuidString.lowercased())
        #expect(InputID(id.description.uppercased()) == id)
        #expect(InputID("not-a-uuid") == nil)
        let decoded = try JSONDecoder().decode(InputID.self, from: Data("\"\(id.description.uppercased())\"".utf8))
        #expect(decoded == id)
    }
}

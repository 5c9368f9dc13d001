import Foundation
import MeerkatCore
import MeerkatTesting

/// The simulations' choices over the project's seeded generator: the same seed always yields the same run.
struct SimRandom {
    private var source: SeededRandom

    init(seed: UInt64) { source = SeededRandom(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    /// A value in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// One element (nil when empty).
    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[below(items.count)]
    }

    /// Picks an index by weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var roll = below(total)
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }

    /// A derived generator (for an independent stream such as an executor's decisions).
    mutating func fork() -> SimRandom { SimRandom(seed: next()) }
}

/// Seeds of the simulations: `MEERKAT_SIM_SEED` (one seed, decimal or 0x-hex) when set, else a fixed list so CI is
/// deterministic. `MEERKAT_SIM_SEED_COUNT` lengthens the fixed list for a local soak run.
enum SimSeeds {
    static func seeds(default count: Int, salt: UInt64) -> [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["MEERKAT_SIM_SEED"], let seed = parse(text) {
            return [seed]
        }
        let count = environment["MEERKAT_SIM_SEED_COUNT"].flatMap { Int($0) } ?? count
        var generator = SimRandom(seed: salt)
        return (0..<count).map { _ in generator.next() % 1_000_000 }
    }

    static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }
}

/// Deterministic identifiers: a counter in the low bytes, so ids sort in mint order.
struct SimIDs {
    private var counter: UInt64 = 0
    private let space: UInt8

    init(space: UInt8) { self.space = space }

    mutating func uuid() -> UUID {
        counter += 1
        let c = counter
        return UUID(
            uuid: (
                0, 0, 0, 0, 0, 0, 0x70, space, 0x80, 0, UInt8(truncatingIfNeeded: c >> 40),
                UInt8(truncatingIfNeeded: c >> 32), UInt8(truncatingIfNeeded: c >> 24),
                UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)
            ))
    }

    mutating func input() -> InputID { InputID(uuid: uuid()) }
    mutating func run() -> RunID { RunID(uuid: uuid()) }
}

extension InputID {
    /// The id's bytes as two integers: the same order as `<` (canonical text), without formatting any text.
    var simKey: (UInt64, UInt64) {
        let bytes = uuid.uuid
        let high = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5, bytes.6, bytes.7]
        let low = [bytes.8, bytes.9, bytes.10, bytes.11, bytes.12, bytes.13, bytes.14, bytes.15]
        return (
            high.reduce(0) { $0 << 8 | UInt64($1) }, low.reduce(0) { $0 << 8 | UInt64($1) }
        )
    }
}

extension Sequence where Element == InputID {
    /// Sorted like `sorted()`, but fast (InputID's `<` compares formatted text).
    func simSorted() -> [InputID] {
        map { ($0.simKey, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

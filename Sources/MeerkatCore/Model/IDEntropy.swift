import Synchronization

/// The random bits of minted ids: xoshiro256** seeded once per process from the system's CSPRNG.
///
/// A `getrandom` system call per id showed up at about 6 % of a streaming turn's CPU (every event envelope mints
/// one). The generator's 256-bit state is unpredictable from outside and never repeats within any realistic run,
/// which is what ids need; nothing secret is ever derived from it.
final class IDEntropy: Sendable {
    static let shared = IDEntropy()

    private let state: Mutex<(UInt64, UInt64, UInt64, UInt64)>

    private init() {
        var system = SystemRandomNumberGenerator()
        var seed = (system.next(), system.next(), system.next(), system.next())
        // An all-zero state would stay zero; the CSPRNG never yields one in practice, but be total.
        if seed == (0, 0, 0, 0) { seed.0 = 0x9E37_79B9_7F4A_7C15 }
        state = Mutex(seed)
    }

    /// Two fresh 64-bit words.
    func next() -> (UInt64, UInt64) {
        state.withLock { state in (Self.step(&state), Self.step(&state)) }
    }

    private static func step(_ s: inout (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
        let result = rotate(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotate(s.3, 45)
        return result
    }

    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

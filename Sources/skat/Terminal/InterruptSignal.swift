import Dispatch
import Foundation
import Synchronization

/// Ctrl-C handling: the first SIGINT calls `onFirst` (interrupt the run cleanly); a second one exits at once.
final class InterruptSignal {
    private let source: any DispatchSourceSignal
    /// Signals seen so far (shared with the handler running on the signal queue).
    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "skat.sigint"))
        let counter = Counter()
        source.setEventHandler {
            let seen = counter.value.withLock { value -> Int in
                value += 1
                return value
            }
            if seen == 1 {
                FileHandle.standardError.write(Data("\ninterrupting… (press Ctrl-C again to exit now)\n".utf8))
                onFirst()
            } else {
                exit(130)
            }
        }
        source.resume()
    }

    /// Restores the default SIGINT behaviour.
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

import Synchronization
import Testing

@testable import MeerkatCore

/// The shared timer of provider calls: actions run at their deadlines in deadline order, cancelled ones never run,
/// and a deadline earlier than the one being waited for is not held up by it.
@Suite struct DeadlineTimerTests {
    /// Collects fired labels and lets a test wait for the next one.
    private final class Fired: Sendable {
        let stream: AsyncStream<String>
        let continuation: AsyncStream<String>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream() }
    }

    @Test func actionsRunInDeadlineOrderAndCancelledOnesNever() async {
        let timer = DeadlineTimer()
        let fired = Fired()
        timer.schedule(after: .milliseconds(60)) { fired.continuation.yield("c") }
        let cancelled = timer.schedule(after: .milliseconds(20)) { fired.continuation.yield("cancelled") }
        timer.schedule(after: .milliseconds(40)) { fired.continuation.yield("b") }
        timer.schedule(after: .milliseconds(10)) { fired.continuation.yield("a") }
        timer.cancel(cancelled)
        var iterator = fired.stream.makeAsyncIterator()
        var order: [String] = []
        for _ in 0..<3 { order.append(await iterator.next() ?? "") }
        // Everything due before "c" has run by then, so the cancelled action (due at 20 ms) never did.
        #expect(order == ["a", "b", "c"])
        #expect(timer.pendingCount == 0)
    }

    /// A long deadline is waited for first; a much shorter one scheduled afterwards still fires on time (the test
    /// would hang for the long one otherwise).
    @Test func anEarlierDeadlineIsNotHeldUpByALaterOne() async {
        let timer = DeadlineTimer()
        let fired = Fired()
        let long = timer.schedule(after: .seconds(600)) { fired.continuation.yield("long") }
        timer.schedule(after: .milliseconds(5)) { fired.continuation.yield("short") }
        var iterator = fired.stream.makeAsyncIterator()
        #expect(await iterator.next() == "short")
        #expect(timer.pendingCount == 1)
        timer.cancel(long)
        #expect(timer.pendingCount == 0)
        // Scheduling again after everything ran or was cancelled starts a new wait.
        timer.schedule(after: .milliseconds(5)) { fired.continuation.yield("again") }
        #expect(await iterator.next() == "again")
    }

    @Test func manyTimersFromManyTasksAllFire() async {
        let timer = DeadlineTimer()
        let fired = Fired()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // Odd ones are cancelled long before they are due.
                    let delay: Duration = index % 2 == 1 ? .seconds(60) : .milliseconds(index % 7)
                    let token = timer.schedule(after: delay) { fired.continuation.yield("\(index)") }
                    if index % 2 == 1 { timer.cancel(token) }
                }
            }
        }
        var iterator = fired.stream.makeAsyncIterator()
        var seen = Set<String>()
        while seen.count < 100, let label = await iterator.next() { seen.insert(label) }
        #expect(seen == Set((0..<200).filter { $0 % 2 == 0 }.map { "\($0)" }))
        #expect(timer.pendingCount == 0)
    }
}

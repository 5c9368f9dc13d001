import Foundation
import MeerkatService

/// Renders a run's events for a person: streamed text on stdout, a spinner on stderr until the first token, one line
/// per tool call. Plain (no spinner, no colour) when stderr is not a terminal.
actor TerminalRenderer {
    private let interactive: Bool
    private let verbose: Bool
    private let style = TerminalStyle.stderr
    private var spinnerTask: Task<Void, Never>?
    private var spinnerVisible = false
    private var printedText = false
    private var lineOpen = false

    init(interactive: Bool = isatty(STDERR_FILENO) == 1, verbose: Bool = false) {
        self.interactive = interactive
        self.verbose = verbose
    }

    /// Starts the waiting spinner (interactive terminals only).
    func startSpinner() {
        guard interactive, spinnerTask == nil else { return }
        spinnerVisible = true
        spinnerTask = Task { [weak self] in
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var index = 0
            while !Task.isCancelled {
                await self?.drawSpinner(frames[index % frames.count])
                index += 1
                try? await Task.sleep(for: .milliseconds(80))
            }
        }
    }

    private func drawSpinner(_ frame: String) {
        guard spinnerVisible else { return }
        Output.err("\r\(frame) thinking…")
    }

    private func stopSpinner() {
        spinnerTask?.cancel()
        spinnerTask = nil
        if spinnerVisible, interactive { Output.err("\r\u{1B}[2K") }
        spinnerVisible = false
    }

    /// Renders one event.
    /// The sequence number of the last envelope rendered, and the waits for a later one.
    private var renderedSeq: UInt64 = 0
    private var seqWaiters: [Int: (seq: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var nextWaiter = 0
    private var sourceEnded = false

    /// Renders one envelope and wakes the waits it satisfies.
    func render(_ envelope: EventEnvelope) {
        render(envelope.payload)
        renderedSeq = max(renderedSeq, envelope.seq)
        wake()
    }

    /// Marks the event source as ended: nothing more will be rendered, so no wait can be satisfied later.
    func endOfEvents() {
        sourceEnded = true
        wake()
    }

    /// Waits until the envelope with sequence `seq` (every agent event published before the run's completion was
    /// observed) has been rendered, so the last text deltas are on screen before the process moves on or exits.
    /// Returns early when the calling task is cancelled.
    func waitUntilRendered(_ seq: UInt64) async {
        if sourceEnded || renderedSeq >= seq || Task.isCancelled { return }
        nextWaiter += 1
        let id = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in seqWaiters[id] = (seq, continuation) }
        } onCancel: {
            Task { await self.release(id) }
        }
    }

    private func release(_ id: Int) {
        seqWaiters.removeValue(forKey: id)?.continuation.resume()
    }

    private func wake() {
        for (id, waiter) in seqWaiters where sourceEnded || waiter.seq <= renderedSeq {
            seqWaiters.removeValue(forKey: id)
            waiter.continuation.resume()
        }
    }

    func render(_ event: AgentEvent) {
        switch event {
        case .textDelta(let delta):
            stopSpinner()
            Output.out(delta)
            printedText = true
            lineOpen = !delta.hasSuffix("\n")
        case .toolCallRequested(_, let name, let args):
            stopSpinner()
            closeLine()
            Output.err(style.cyan("→ \(name)") + " " + style.dim(Self.preview(args.compactText())) + "\n")
        case .toolExecutionCompleted(_, let name, let content, let isError, let duration):
            if isError || verbose {
                let summary = Self.preview(content.map(\.textProjection).joined(separator: " "))
                let line = "\(isError ? "✗" : "✓") \(name) (\(duration) ms)\(summary.isEmpty ? "" : ": \(summary)")"
                Output.err((isError ? style.red(line) : style.green(line)) + "\n")
            }
        case .retrying(let schedule):
            closeLine()
            Output.err(
                style.yellow(
                    "… \(schedule.failureKind), retrying in \(schedule.selectedDelayMS) ms (\(schedule.attempt)/\(schedule.maxRetries))"
                ) + "\n")
        case .budgetWarning(let type, let used, let limit, _):
            closeLine()
            Output.err(style.yellow("! \(type.rawValue) budget: \(Int(used)) of \(Int(limit)) used") + "\n")
        case .turnStarted:
            if !printedText { startSpinner() }
        case .runCompleted, .runFailed:
            stopSpinner()
            closeLine()
        case .streamTruncated(let dropped):
            Output.err("(\(dropped) events skipped: the terminal fell behind)\n")
        default:
            break
        }
    }

    /// Ends an open text line.
    func closeLine() {
        if lineOpen {
            Output.out("\n")
            lineOpen = false
        }
    }

    func finish() {
        stopSpinner()
        closeLine()
    }

    /// The line text mode ends with on stderr: the session to resume and its token usage.
    static func summaryLine(session: SessionID, usage: UsageReport?) -> String {
        "session \(session) · tokens \(usage?.summary ?? "unknown")\n"
    }

    static func preview(_ text: String, limit: Int = 120) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}

/// Unbuffered writes to stdout and stderr.
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// A `skat: …` error line on stderr (red on a colour terminal).
    static func failure(_ message: String) {
        err(TerminalStyle.stderr.red("skat: \(message)") + "\n")
    }
}

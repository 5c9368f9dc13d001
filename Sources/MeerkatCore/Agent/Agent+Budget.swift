import Foundation

extension Agent {
    /// Hard time limits (agent lifetime and per run): exceeding them fails the run.
    func checkTimeBudgets(_ state: RunState) throws {
        let now = clock.now()
        if let limit = config.budget.maxDuration, now - builtAt >= limit {
            warn(.time, used: (now - builtAt).seconds, limit: limit.seconds)
            throw AgentError(cause: .timeBudgetExceeded, message: "time budget of \(limit) exceeded")
        }
        if let limit = config.budget.maxTurnDuration, now - state.startedAt >= limit {
            throw AgentError(cause: .timeBudgetExceeded, message: "run time budget of \(limit) exceeded")
        }
    }

    /// Time left before a hard time limit, if one applies.
    func remainingTime(_ state: RunState) -> Duration? {
        let now = clock.now()
        var remaining: Duration?
        if let limit = config.budget.maxDuration { remaining = limit - (now - builtAt) }
        if let limit = config.budget.maxTurnDuration {
            let left = limit - (now - state.startedAt)
            remaining = min(remaining ?? left, left)
        }
        return remaining
    }

    /// Orderly stops checked before each LLM call: token budget and the per-run turn cap.
    func orderlyStopBeforeCall(_ state: RunState) -> TerminalCauseKind? {
        if let limit = config.budget.maxTokens, lifetimeTokens >= limit {
            warn(.tokens, used: Double(lifetimeTokens), limit: Double(limit), force: true)
            return .budgetExhausted
        }
        if state.calls >= config.maxTurns { return .turnLimitReached }
        return nil
    }

    /// Emits threshold warnings after spending.
    func noteBudgetUse() {
        if let limit = config.budget.maxTokens { warn(.tokens, used: Double(lifetimeTokens), limit: Double(limit)) }
        if let limit = config.budget.maxToolCalls {
            warn(.toolCalls, used: Double(lifetimeToolCalls), limit: Double(limit))
        }
        if let limit = config.budget.maxDuration {
            warn(.time, used: (clock.now() - builtAt).seconds, limit: limit.seconds)
        }
    }

    /// Publishes a `budget_warning` once per budget when use crosses the threshold, and again when `force`d
    /// at exhaustion.
    func warn(_ type: BudgetType, used: Double, limit: Double, force: Bool = false) {
        guard limit > 0 else { return }
        let fraction = used / limit
        let key = force ? nil : type
        if let key {
            guard fraction >= config.budgetWarningThreshold, !warnedBudgets.contains(key) else { return }
            warnedBudgets.insert(key)
        }
        events.publish(.budgetWarning(budgetType: type, used: used, limit: limit, percent: (fraction * 100).rounded()))
    }
}

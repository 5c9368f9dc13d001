import Foundation
public import MeerkatCore

extension MeerkatConfig {
    /// The built-in defaults as a config tree: the lowest layer, so that `skat config get --effective` can say
    /// which value is a default. A test keeps it equal to `MeerkatConfig()`.
    public static let builtInTree: [String: JSONValue] = [
        "agent": [
            "max_tokens_per_turn": 16384, "budget_warning_threshold": 0.8, "max_turns": 100,
            "structured_output_retries": 2,
        ],
        "limits": ["max_sessions": 100_000],
        "retry": [
            "max_retries": 3, "initial_delay": "500ms", "max_delay": "30s", "multiplier": 2.0,
            "stream_inactivity_timeout": "300s",
        ],
        "tools": ["preset": "safe", "default_timeout": "10m", "max_concurrent": 10],
        "shell": ["program": "bash", "timeout_secs": 30, "security_mode": "unrestricted", "security_patterns": []],
        "compaction": ["recent_turn_budget": 4, "max_summary_tokens": 4096, "min_turns_between_compactions": 3],
        "rest": ["host": "127.0.0.1", "port": 8080],
    ]
}

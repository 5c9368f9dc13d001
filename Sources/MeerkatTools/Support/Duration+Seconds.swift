extension Duration {
    /// The duration in seconds, as the `*_secs` fields of tool results report it.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in seconds rounded to milliseconds, for results.
    var roundedSeconds: Double {
        (inSeconds * 1000).rounded() / 1000
    }

    /// Whole seconds without a fraction (`30`), otherwise the decimal value (`2.5`), for descriptions.
    var secondsText: String {
        let seconds = inSeconds
        return seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}

/// Suggests the known names closest to a mistyped one (for "unknown model 'gpt-5.5'; nearest: …").
enum NearestNames {
    /// Up to `limit` names of `known`, closest first: names sharing a prefix with `name` or within an edit distance
    /// of about a third of its length.
    static func nearest(to name: String, in known: [String], limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        guard !target.isEmpty else { return [] }
        let allowed = max(2, target.count / 3)
        let scored = known.compactMap { candidate -> (String, Int)? in
            let lowered = candidate.lowercased()
            let distance = editDistance(target, Array(lowered))
            let related = lowered.hasPrefix(name.lowercased()) || name.lowercased().hasPrefix(lowered)
            return distance <= allowed || related ? (candidate, distance) : nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// Levenshtein distance (insert, delete, substitute each cost 1).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

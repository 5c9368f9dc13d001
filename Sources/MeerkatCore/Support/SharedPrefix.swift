extension Array where Element: Equatable {
    /// How many leading elements this array and `other` have in common.
    ///
    /// Transcript caches and append-only checks compare a whole history on every turn; comparing through buffer
    /// pointers borrows each element instead of copying it out (a retain and a release per payload), which was most
    /// of the cost of those scans.
    public func sharedPrefixCount(with other: [Element]) -> Int {
        withUnsafeBufferPointer { mine in
            other.withUnsafeBufferPointer { theirs in
                let limit = Swift.min(mine.count, theirs.count)
                var index = 0
                while index < limit, mine[index] == theirs[index] { index += 1 }
                return index
            }
        }
    }
}

extension Array where Element: Equatable {
    /// How many leading elements this array and `other` have in common.
    ///
    /// Transcript caches and append-only checks compare a whole history on every turn; comparing through buffer
    /// pointers borrows each element instead of copying it out (a retain and a release per payload), which was most
    /// of the cost of those scans.
    public func sharedPrefixCount(with other: [Element]) -> Int {
        withUnsafeBufferPointer { mine in other.withUnsafeBufferPointer { sharedPrefix(mine, $0) } }
    }
}

extension ArraySlice where Element: Equatable {
    /// How many leading elements this slice and `other` have in common (see `Array.sharedPrefixCount(with:)`).
    public func sharedPrefixCount(with other: [Element]) -> Int {
        withUnsafeBufferPointer { mine in other.withUnsafeBufferPointer { sharedPrefix(mine, $0) } }
    }
}

private func sharedPrefix<Element: Equatable>(
    _ mine: UnsafeBufferPointer<Element>, _ theirs: UnsafeBufferPointer<Element>
) -> Int {
    let limit = Swift.min(mine.count, theirs.count)
    var index = 0
    while index < limit, mine[index] == theirs[index] { index += 1 }
    return index
}

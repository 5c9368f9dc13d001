import Foundation

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

/// Elements are compared by their bytes first: two values with identical bytes hold the same payload storage (the same
/// strings, arrays and boxes) and the same scalars, so they are equal without `==` walking into them, which is what a
/// history compared with an earlier copy of itself almost always holds. Bytes that differ (another value, or the same
/// value copied with different padding) fall back to `==`, so the answer is always that of `==` (except that a value
/// holding a NaN counts as equal to an identical copy of itself, which is what a cache wants).
private func sharedPrefix<Element: Equatable>(
    _ mine: UnsafeBufferPointer<Element>, _ theirs: UnsafeBufferPointer<Element>
) -> Int {
    let limit = Swift.min(mine.count, theirs.count)
    guard let first = mine.baseAddress, let second = theirs.baseAddress else { return 0 }
    if first == second { return limit }
    let size = MemoryLayout<Element>.size
    let stride = MemoryLayout<Element>.stride
    let left = UnsafeRawPointer(first)
    let right = UnsafeRawPointer(second)
    var index = 0
    while index < limit {
        let offset = index * stride
        if memcmp(left + offset, right + offset, size) != 0, mine[index] != theirs[index] { break }
        index += 1
    }
    return index
}

/// A value kept behind one reference and copied only when it is changed while shared, like the standard library's
/// collections. The machine uses it for parts that are large to copy and rarely change (an input's shell, the routing
/// state, a step's effects), so copying the machine for a step, scanning its lanes or passing a step along moves one
/// reference instead of hundreds of bytes.
struct CopyOnWrite<Value: Sendable>: Sendable {
    private var box: Box

    init(_ value: Value) { box = Box(value) }

    /// The value; changing it first replaces a box that another copy still references.
    var value: Value {
        get { box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// The storage. `@unchecked Sendable` is safe: `value` is only mutated through `CopyOnWrite.value`'s `_modify`,
    /// which first replaces a box that any other `CopyOnWrite` value still references, so a box that is mutated is
    /// never shared, and a shared box is only read.
    private final class Box: @unchecked Sendable {
        var value: Value

        init(_ value: Value) { self.value = value }
    }
}

extension CopyOnWrite: Equatable where Value: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.box === rhs.box || lhs.box.value == rhs.box.value }
}

extension CopyOnWrite: Hashable where Value: Hashable {
    func hash(into hasher: inout Hasher) { hasher.combine(box.value) }
}

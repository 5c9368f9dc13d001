extension Sequence {
    /// `compactMap` that keeps the transform's typed error.
    func compactMapTyped<T, Failure: Error>(_ transform: (Element) throws(Failure) -> T?) throws(Failure) -> [T] {
        var result: [T] = []
        for element in self {
            if let value = try transform(element) { result.append(value) }
        }
        return result
    }

    /// `map` that keeps the transform's typed error.
    func mapTyped<T, Failure: Error>(_ transform: (Element) throws(Failure) -> T) throws(Failure) -> [T] {
        var result: [T] = []
        for element in self { result.append(try transform(element)) }
        return result
    }

    /// `flatMap` that keeps the transform's typed error.
    func flatMapTyped<T, Failure: Error>(_ transform: (Element) throws(Failure) -> [T]) throws(Failure) -> [T] {
        var result: [T] = []
        for element in self { result += try transform(element) }
        return result
    }
}

import Foundation
import MeerkatCore

extension JSONValue {
    /// `self` with `overlay` merged in: objects merge key by key (recursively), anything else is replaced.
    /// Used to apply `LLMRequest.providerParams` on top of a built request body.
    func merging(_ overlay: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let top) = overlay else { return overlay }
        for (key, value) in top {
            base[key] = base[key].map { $0.merging(value) } ?? value
        }
        return .object(base)
    }

    /// Compact, key-sorted JSON bytes (stable bodies make request assertions and caching deterministic).
    func encodedBytes() -> [UInt8] {
        encodedJSONBytes()
    }
}

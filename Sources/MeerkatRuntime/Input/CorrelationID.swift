public import Foundation
public import MeerkatCore

/// Tracing identity carried in an input header (RUNTIME.md §1).
///
/// For peer traffic it carries the peer request or interaction id; when present on a non-steer input it
/// becomes the turn's transcript interaction id.
public struct CorrelationID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// A fresh v7 correlation id.
    public init() { self.uuid = UUIDv7.make() }
}

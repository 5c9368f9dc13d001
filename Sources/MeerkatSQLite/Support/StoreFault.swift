import Foundation
import GRDB
import MeerkatCore
import MeerkatRuntime

/// A failure raised inside a database closure (which can only throw untyped errors), translated afterwards into
/// the calling store's typed error. Messages name the database path so an operator knows which realm is affected.
enum StoreFault: Error {
    case nonAppendOnly(SessionID, String)
    case ownedElsewhere(String)
    case corrupt(String)
    case notFound(SessionID)
    case io(String)
    /// Another connection held the write lock past the busy timeout: transient, retry later.
    case busy(String)
    /// A compare-and-swap inside a transaction found a row changed since it was read (the transaction rolls back).
    case conflict(String)

    /// The fault behind any error thrown by GRDB, a closure, the blob store or a coder.
    static func from(_ error: any Error, path: String) -> StoreFault {
        switch error {
        case let fault as StoreFault:
            return fault
        case let error as DatabaseError:
            let detail = "\(path): \(error.message ?? "\(error.resultCode)") (SQLite \(error.resultCode.rawValue))"
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(detail)
            case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT: return .corrupt(detail)
            default: return .io(detail)
            }
        case let error as BlobStoreError:
            return .io(error.description)
        case is CancellationError:
            // GRDB checks cancellation before running the closure and interrupts (rolling back) during it.
            return .io("\(path): the task was cancelled (a write is rolled back, never half-applied)")
        case let error as DecodingError:
            return .corrupt("\(path): undecodable row: \(error)")
        default:
            return .io("\(path): \(error)")
        }
    }

    /// The runtime store's error for this fault.
    var runtimeError: RuntimeStoreError {
        switch self {
        case .nonAppendOnly(let id, let detail): .conflict("session \(id): saves are append-only (\(detail))")
        case .ownedElsewhere(let message): .ownedElsewhere(message)
        case .corrupt(let message): .corrupt(message)
        case .notFound(let id): .conflict("session \(id) not found")
        case .io(let message): .io(message)
        case .busy(let message): .unavailable(message)
        case .conflict(let message): .conflict(message)
        }
    }

    /// The session store's error for this fault.
    var sessionError: SessionStoreError {
        switch self {
        case .nonAppendOnly(let id, let detail): .nonAppendOnly(id, detail)
        case .ownedElsewhere(let message): .unavailable(message)
        case .corrupt(let message): .corrupt(message)
        case .notFound(let id): .notFound(id)
        case .io(let message): .io(message)
        case .busy(let message): .unavailable(message)
        // Session saves run no swap; a conflict reaching here is another writer's change, so retrying is right.
        case .conflict(let message): .unavailable(message)
        }
    }
}

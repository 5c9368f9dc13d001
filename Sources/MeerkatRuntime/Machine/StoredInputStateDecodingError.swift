/// Why a stored input row could not be read (RUNTIME.md §5.4).
public enum StoredInputStateDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The row has no `stored_input_state_version`.
    case missingVersion
    /// The row was written by an older layout (3 or 4) this runtime does not migrate.
    case legacyVersion(Int)
    /// The row's version is unknown (newer or never defined).
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .missingVersion:
            "stored input row has no stored_input_state_version (expected \(StoredInputState.version))"
        case .legacyVersion(let version):
            "stored input row version \(version) is a legacy layout that this runtime does not read "
                + "(expected \(StoredInputState.version))"
        case .unsupportedVersion(let version):
            "stored input row version \(version) is not supported (expected \(StoredInputState.version))"
        }
    }
}

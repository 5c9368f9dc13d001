/// The last part of a byte stream: keeps roughly the final `characterLimit` characters and remembers
/// whether anything was dropped.
struct OutputTail: Sendable {
    let characterLimit: Int
    private var bytes: [UInt8] = []
    private var droppedBytes = false

    init(characterLimit: Int) {
        self.characterLimit = characterLimit
    }

    /// A UTF-8 character takes at most 4 bytes, so this many bytes always hold the last `characterLimit`.
    private var byteLimit: Int { characterLimit * 4 }

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
        // Trim only when twice over the limit so appends stay amortised O(1).
        if bytes.count > 2 * byteLimit {
            bytes.removeFirst(bytes.count - byteLimit)
            droppedBytes = true
        }
    }

    /// The kept text (the last `characterLimit` characters) and whether earlier output was dropped.
    var text: (text: String, truncated: Bool) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.count > characterLimit else { return (decoded, droppedBytes) }
        return (String(decoded.suffix(characterLimit)), true)
    }
}

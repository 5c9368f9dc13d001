import Foundation
import Testing

@testable import MeerkatSQLite

@Suite struct BlobStoreTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a': crosses many blocks and the length encoding.
        #expect(
            SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Lengths around the padding boundary (55, 56, 63, 64 bytes) agree between one-shot and split updates.
        for length in [55, 56, 63, 64, 65] {
            let bytes = (0..<length).map { UInt8($0 % 251) }
            var split = SHA256()
            split.update(bytes[0..<length / 2])
            split.update(bytes[(length / 2)...])
            #expect(SHA256.hexString(split.finalize()) == SHA256.hex(bytes))
        }
    }

    @Test func putGetAndExistsAreContentAddressed() throws {
        let directory = try TemporaryDirectory()
        let store = BlobStore(directory: directory.appending("blobs"))
        let data = Data("hello blobs".utf8)
        let id = try store.put(data)
        #expect(id == "sha256:" + SHA256.hex(data))
        #expect(BlobStore.isValidID(id))
        #expect(try store.exists(id))
        #expect(try store.get(id) == data)
        #expect(try store.put(data) == id)
        let hex = id.dropFirst("sha256:".count)
        let file = directory.appending("blobs/sha256/\(hex.prefix(2))/\(hex)")
        #expect(FileManager.default.fileExists(atPath: file.path))
        // The temporary folder holds nothing once the write finished.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appending("blobs/tmp").path).isEmpty)
        let absent = "sha256:" + String(repeating: "0", count: 64)
        #expect(try !store.exists(absent))
        #expect(try store.get(absent) == nil)
    }

    @Test func malformedIdsAndDamagedBlobsAreTypedErrors() throws {
        let directory = try TemporaryDirectory()
        let store = BlobStore(directory: directory.appending("blobs"))
        for bad in [
            "", "sha256:", "md5:" + String(repeating: "a", count: 32), "sha256:" + String(repeating: "A", count: 64),
            "sha256:../../etc/passwd",
        ] {
            #expect(throws: BlobStoreError.invalidID(bad)) { try store.get(bad) }
            #expect(!BlobStore.isValidID(bad))
        }
        let id = try store.put(Data("original".utf8))
        try Data("tampered".utf8).write(to: try store.url(for: id))
        #expect(throws: BlobStoreError.corrupt(path: try store.url(for: id).path, id: id)) { try store.get(id) }
    }
}

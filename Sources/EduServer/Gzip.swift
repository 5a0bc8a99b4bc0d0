import CArchive

/// gzip through libarchive's gzip filter over its `raw` format: Depot already links libarchive, and the server
/// compresses each whitelist once at load, so no per-request compression library is needed.
enum Gzip {
    /// The gzip stream of `bytes`, or nil when libarchive refuses (the server then serves the plain bytes).
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard let archive = archive_write_new() else { return nil }
        defer { archive_write_free(archive) }
        guard archive_write_add_filter_gzip(archive) == ARCHIVE_OK,
              archive_write_set_format_raw(archive) == ARCHIVE_OK,
              archive_write_set_bytes_in_last_block(archive, 1) == ARCHIVE_OK
        else { return nil }
        // libarchive keeps this pointer and updates it until close, so it must outlive the open call.
        let used = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { used.deallocate() }
        used.pointee = 0
        let capacity = bytes.count + bytes.count / 8 + 4096
        var output = [UInt8](repeating: 0, count: capacity)
        let ok = output.withUnsafeMutableBytes { buffer -> Bool in
            guard archive_write_open_memory(archive, buffer.baseAddress, capacity, used) == ARCHIVE_OK else { return false }
            guard let entry = archive_entry_new() else { return false }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, "whitelist.json")
            archive_entry_set_filetype(entry, 0o100000)
            archive_entry_set_size(entry, Int64(bytes.count))
            guard archive_write_header(archive, entry) == ARCHIVE_OK else { return false }
            let written = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            guard written == bytes.count else { return false }
            return archive_write_close(archive) == ARCHIVE_OK
        }
        guard ok, used.pointee > 0 else { return nil }
        return Array(output[0..<used.pointee])
    }
}

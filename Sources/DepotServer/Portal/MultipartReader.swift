import DepotModel
import Foundation
import NIOCore

/// A `multipart/form-data` body read as it streams in: small fields are kept as text, the one file part goes
/// straight to disk, so an installer is never held in memory. Every limit turns into a 4xx error, never a crash.
struct MultipartForm: Sendable {
    struct FilePart: Sendable {
        var field: String
        var fileName: String
        var url: URL
        var size: Int64
    }
    var fields: [String: String] = [:]
    var file: FilePart?
}

struct MultipartReader {
    let boundary: [UInt8]
    /// Largest text field, in bytes.
    var fieldLimit = 64 * 1024
    /// Largest part header block, in bytes.
    var headerLimit = 8 * 1024
    /// Most parts in one form.
    var partLimit = 32
    /// Largest file part, in bytes.
    var fileLimit: Int64

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` header.
    init(contentType: String?, fileLimit: Int64) throws {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw PortalError(.invalidInput, code: "multipart.type", "the upload must be sent as multipart/form-data")
        }
        var found: String?
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                found = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        guard let found, (1...70).contains(found.utf8.count) else {
            throw PortalError(.invalidInput, code: "multipart.boundary", "the multipart/form-data body names no usable boundary")
        }
        boundary = Array(found.utf8)
        self.fileLimit = fileLimit
    }

    private enum State { case preamble, headers, body, done }

    /// Reads the whole body. `openFile` gives the path for the file part; on any error that file is removed.
    func read<Body: AsyncSequence>(_ body: Body, openFile: () -> URL) async throws -> MultipartForm where Body.Element == ByteBuffer {
        var form = MultipartForm()
        let opening = Array("--".utf8) + boundary
        let delimiter = Array("\r\n--".utf8) + boundary
        var buffer: [UInt8] = []
        var start = 0
        var state = State.preamble
        var parts = 0
        var current: (name: String, fileName: String?)?
        var fieldBytes: [UInt8] = []
        var handle: FileHandle?
        var fileSize: Int64 = 0
        var fileURL: URL?

        func store(_ bytes: ArraySlice<UInt8>) throws {
            if current?.fileName != nil {
                fileSize += Int64(bytes.count)
                guard fileSize <= fileLimit else {
                    throw PortalError(.tooLarge, code: "inspect.too-large",
                        "the installer is larger than the intake limit of \(fileLimit) bytes (Policies/intake.yaml maxInstallerBytes)")
                }
                try bytes.withUnsafeBytes { try handle?.write(contentsOf: $0) }
            } else {
                guard fieldBytes.count + bytes.count <= fieldLimit else {
                    throw PortalError(.tooLarge, code: "multipart.field", "a form field is longer than \(fieldLimit) bytes")
                }
                fieldBytes.append(contentsOf: bytes)
            }
        }

        func fail(_ error: Error) -> Error {
            try? handle?.close()
            if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
            return error
        }

        do {
            for try await chunk in body {
                buffer.append(contentsOf: chunk.readableBytesView)
                progress: while true {
                    switch state {
                    case .preamble:
                        guard let at = Self.find(opening, in: buffer, from: start) else {
                            if buffer.count - start > headerLimit {
                                throw PortalError(.invalidInput, code: "multipart.boundary", "the body does not start with its boundary")
                            }
                            break progress
                        }
                        // Need the two bytes after the boundary: CRLF for a part, "--" for an empty form.
                        guard buffer.count >= at + opening.count + 2 else { break progress }
                        let after = at + opening.count
                        if buffer[after] == UInt8(ascii: "-") && buffer[after + 1] == UInt8(ascii: "-") { state = .done; break progress }
                        start = after + 2
                        state = .headers
                    case .headers:
                        guard let end = Self.find(Array("\r\n\r\n".utf8), in: buffer, from: start) else {
                            if buffer.count - start > headerLimit {
                                throw PortalError(.tooLarge, code: "multipart.headers", "a part's headers are longer than \(headerLimit) bytes")
                            }
                            break progress
                        }
                        guard end - start <= headerLimit else {
                            throw PortalError(.tooLarge, code: "multipart.headers", "a part's headers are longer than \(headerLimit) bytes")
                        }
                        let text = String(decoding: buffer[start..<end], as: UTF8.self)
                        start = end + 4
                        parts += 1
                        guard parts <= partLimit else {
                            throw PortalError(.tooLarge, code: "multipart.parts", "the form has more than \(partLimit) parts")
                        }
                        current = try Self.disposition(text)
                        fieldBytes = []
                        if let fileName = current?.fileName {
                            guard form.file == nil else {
                                throw PortalError(.invalidInput, code: "multipart.files", "send one file per upload")
                            }
                            let url = openFile()
                            fileURL = url
                            // The blob store created (and locked) the file; opening it keeps that lock meaningful.
                            guard FileManager.default.fileExists(atPath: url.path) || FileManager.default.createFile(atPath: url.path, contents: nil),
                                  let opened = try? FileHandle(forWritingTo: url) else {
                                throw PortalError(.internal, code: "upload.store", "the server could not store the upload")
                            }
                            handle = opened
                            fileSize = 0
                            form.file = .init(field: current!.name, fileName: fileName, url: url, size: 0)
                        }
                        state = .body
                    case .body:
                        let found = Self.find(delimiter, in: buffer, from: start)
                        // Without the delimiter, keep enough bytes back that a delimiter split across chunks is still found.
                        let usableEnd = found ?? max(start, buffer.count - delimiter.count - 1)
                        if usableEnd > start {
                            try store(buffer[start..<usableEnd])
                            start = usableEnd
                        }
                        guard let found else { break progress }
                        guard buffer.count >= found + delimiter.count + 2 else { break progress }
                        if current?.fileName != nil {
                            try handle?.close()
                            handle = nil
                            form.file?.size = fileSize
                        } else if let current {
                            form.fields[current.name] = String(decoding: fieldBytes, as: UTF8.self)
                        }
                        let after = found + delimiter.count
                        if buffer[after] == UInt8(ascii: "-") && buffer[after + 1] == UInt8(ascii: "-") { state = .done; break progress }
                        start = after + 2
                        state = .headers
                    case .done:
                        break progress
                    }
                }
                if state == .done { break }
                if start > 256 * 1024 {
                    buffer.removeSubrange(0..<start)
                    start = 0
                }
            }
            guard state == .done else {
                throw PortalError(.invalidInput, code: "multipart.truncated", "the upload ended before the form was complete; send it again")
            }
        } catch {
            throw fail(error)
        }
        return form
    }

    /// The field name and file name from a part's `Content-Disposition`.
    static func disposition(_ headers: String) throws -> (name: String, fileName: String?) {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            var name: String?
            var fileName: String?
            for parameter in Self.parameters(String(pair[1])) {
                if parameter.key == "name" { name = parameter.value }
                if parameter.key == "filename" { fileName = parameter.value }
            }
            guard let name else { break }
            return (name, fileName)
        }
        throw PortalError(.invalidInput, code: "multipart.disposition", "a form part has no Content-Disposition with a name")
    }

    /// `form-data; name="a"; filename="b;c.msi"`: quoted values may hold semicolons.
    static func parameters(_ text: String) -> [(key: String, value: String)] {
        var result: [(String, String)] = []
        var key = ""
        var value = ""
        var inKey = true
        var quoted = false
        var escaped = false
        func flush() {
            let k = key.trimmingCharacters(in: .whitespaces).lowercased()
            if !k.isEmpty { result.append((k, quoted ? value : value.trimmingCharacters(in: .whitespaces))) }
            key = ""; value = ""; inKey = true; quoted = false
        }
        var wasQuoted = false
        for character in text {
            if inKey {
                if character == "=" { inKey = false; wasQuoted = false } else if character == ";" { key = "" } else { key.append(character) }
            } else if quoted {
                if escaped { value.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == "\"" { quoted = false; wasQuoted = true }
                else { value.append(character) }
            } else if character == "\"" && value.isEmpty && !wasQuoted {
                quoted = true
            } else if character == ";" {
                flush()
            } else {
                value.append(character)
            }
        }
        if !inKey { flush() }
        return result
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count - from >= needle.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { hay in
            while index <= last {
                if hay[index] == first {
                    var match = true
                    for offset in 1..<needle.count where hay[index + offset] != needle[offset] { match = false; break }
                    if match { return index }
                }
                index += 1
            }
            return nil
        }
    }
}

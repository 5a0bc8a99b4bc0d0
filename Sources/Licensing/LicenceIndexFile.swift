import Foundation

/// The built library as one flat file (little-endian arrays), so a process loads the index by copying arrays
/// instead of normalising thousands of texts again.
extension LicenceLibrary {
    static let fileMagic: UInt32 = 0x5844_5044 // "DPDX"

    func serialised() -> Data {
        var out = Data()
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func f64(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ value: String) {
            let bytes = Array(value.utf8)
            u32(UInt32(bytes.count))
            out.append(contentsOf: bytes)
        }
        func array<T>(_ values: [T]) {
            u32(UInt32(values.count))
            values.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        u32(Self.fileMagic)
        u32(LicenceData.formatVersion)
        u32(UInt32(references.count))
        for reference in references {
            string(reference.id)
            string(reference.source)
            string(reference.text)
            f64(reference.requiredCoverage)
            array(reference.coreShingles)
            array(reference.optionalShingles)
            array(reference.slotOffsets)
        }
        array(postingKeys)
        array(postingStarts)
        array(postingReference)
        array(postingSlot)
        return out
    }

    /// Reads a file written by `serialised()`; nil when it is not one, is of another format version, or is cut short.
    init?(serialised data: Data) {
        var offset = 0
        var failed = false
        func take(_ count: Int) -> Range<Int>? {
            guard count >= 0, offset + count <= data.count else { failed = true; return nil }
            defer { offset += count }
            return (data.startIndex + offset)..<(data.startIndex + offset + count)
        }
        func u32() -> UInt32 {
            guard let range = take(4) else { return 0 }
            var value: UInt32 = 0
            withUnsafeMutableBytes(of: &value) { data.copyBytes(to: $0, from: range) }
            return UInt32(littleEndian: value)
        }
        func f64() -> Double {
            guard let range = take(8) else { return 0 }
            var value: UInt64 = 0
            withUnsafeMutableBytes(of: &value) { data.copyBytes(to: $0, from: range) }
            return Double(bitPattern: UInt64(littleEndian: value))
        }
        func string() -> String {
            let count = Int(u32())
            guard let range = take(count) else { return "" }
            return String(decoding: data[range], as: UTF8.self)
        }
        func array<T>(_: T.Type) -> [T] {
            let count = Int(u32())
            guard count < 1 << 28, let range = take(count * MemoryLayout<T>.stride) else { failed = true; return [] }
            return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
                data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer), from: range)
                initialised = count
            }
        }
        guard u32() == Self.fileMagic, u32() == LicenceData.formatVersion else { return nil }
        let count = Int(u32())
        guard count < Int(UInt16.max) else { return nil }
        var references: [LicenceReference] = []
        references.reserveCapacity(count)
        for _ in 0..<count {
            let id = string()
            let source = string()
            let text = string()
            let required = f64()
            let core = array(UInt64.self)
            let optional = array(UInt64.self)
            let offsets = array(Int32.self)
            guard !failed, offsets.count == core.count + optional.count else { return nil }
            references.append(LicenceReference(id: id, source: source, text: text, coreShingles: core, optionalShingles: optional,
                                               slotOffsets: offsets, requiredCoverage: required))
        }
        let keys = array(UInt64.self)
        let starts = array(UInt32.self)
        let postingReference = array(UInt16.self)
        let postingSlot = array(UInt32.self)
        guard !failed, starts.count == keys.count + 1, postingReference.count == postingSlot.count,
              Int(starts.last ?? 0) == postingReference.count else { return nil }
        self.init(references: references, postingKeys: keys, postingStarts: starts, postingReference: postingReference, postingSlot: postingSlot)
    }
}

import DepotModel
import Foundation

/// The strings of an MSI database (`_StringPool` + `_StringData`), decoded on demand.
struct MSIStringPool {
    /// `_StringPool` holds four bytes per string; 4 MiB is a million strings (large real MSIs hold tens of thousands).
    static let maxPoolBytes = 4 << 20
    static let maxDataBytes = 32 << 20

    let codepage: UInt32
    /// Databases with more than 65,535 strings store string references in three bytes instead of two.
    let longReferences: Bool
    private let data: [UInt8]
    /// Where each string id starts in `data` and where the next begins (`starts[id]..<ends[id]`); id 0 is the
    /// null string. Two UInt32 arrays rather than ranges: a million strings cost 8 MiB, not 16.
    private let starts: [UInt32]
    private let ends: [UInt32]

    var referenceSize: Int { longReferences ? 3 : 2 }
    var count: Int { starts.count }

    init(pool: [UInt8], data: [UInt8]) throws {
        self.data = data
        guard pool.count >= 4 else {
            codepage = 0
            longReferences = false
            starts = [0]
            ends = [0]
            return
        }
        let raw = pool.u32(0) ?? 0
        codepage = raw & 0x7FFF_FFFF
        longReferences = raw & 0x8000_0000 != 0
        var starts: [UInt32] = [0]
        var ends: [UInt32] = [0]
        starts.reserveCapacity(pool.count / 4)
        ends.reserveCapacity(pool.count / 4)
        var offset = 0
        var slot = 1
        let slots = pool.count / 4
        while slot < slots {
            var length = Int(pool.u16(slot * 4) ?? 0)
            let references = Int(pool.u16(slot * 4 + 2) ?? 0)
            slot += 1
            if length == 0 && references == 0 {
                // An unused id still takes its number.
                starts.append(0)
                ends.append(0)
                continue
            }
            if length == 0 {
                // A string over 64 KiB: this entry's reference count is the high word of the next entry's length.
                guard slot < slots else { throw FormatDefect("_StringPool ends inside a long string entry") }
                length = references << 16 | Int(pool.u16(slot * 4) ?? 0)
                slot += 1
            }
            guard length <= data.count - offset else {
                throw FormatDefect("_StringPool entry \(starts.count) needs \(length) bytes at offset \(offset), but _StringData has only \(data.count)")
            }
            starts.append(UInt32(offset))
            ends.append(UInt32(offset + length))
            offset += length
        }
        self.starts = starts
        self.ends = ends
    }

    /// The string with this id; nil for id 0 (null) and for ids past the pool.
    func string(_ id: Int) -> String? {
        guard id > 0, id < starts.count else { return nil }
        return MSIStringPool.decode(Array(data[Int(starts[id])..<Int(ends[id])]), codepage: codepage)
    }

    static func decode(_ bytes: [UInt8], codepage: UInt32) -> String {
        let encoding: String.Encoding? = switch codepage {
        case 65001: .utf8
        case 0, 1252: .windowsCP1252
        case 1250: .windowsCP1250
        case 1251: .windowsCP1251
        case 1253: .windowsCP1253
        case 1254: .windowsCP1254
        case 932: .shiftJIS
        case 20127: .ascii
        default: nil
        }
        if let encoding, let text = String(bytes: bytes, encoding: encoding) { return text }
        if let text = String(bytes: bytes, encoding: .utf8) { return text }
        // Latin-1 maps every byte, so a string in an unknown codepage still reads as something.
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }
}

/// One column of an MSI table, as `_Columns` declares it.
struct MSIColumn {
    static let validFlag: UInt16 = 0x0100
    static let stringFlag: UInt16 = 0x0800
    static let nullableFlag: UInt16 = 0x1000

    let name: String
    let type: UInt16

    /// Binary (stream) columns are string-typed columns of size 0 and always take two bytes.
    var isBinary: Bool { type & ~MSIColumn.nullableFlag == MSIColumn.stringFlag | MSIColumn.validFlag }
    var isString: Bool { type & MSIColumn.stringFlag != 0 && !isBinary }

    func width(referenceSize: Int) -> Int {
        if isBinary { return 2 }
        if type & MSIColumn.stringFlag != 0 { return referenceSize }
        return type & 0xFF <= 2 ? 2 : 4
    }
}

/// The rows of one MSI table. MSI stores tables column by column, so a cell is found by column block and row.
struct MSITable {
    let name: String
    let columns: [MSIColumn]
    let rowCount: Int
    private let data: [UInt8]
    private let widths: [Int]
    private let blockOffsets: [Int]
    private let pool: MSIStringPool

    init(name: String, columns: [MSIColumn], data: [UInt8], pool: MSIStringPool) throws {
        self.name = name
        self.columns = columns
        self.pool = pool
        self.data = data
        widths = columns.map { $0.width(referenceSize: pool.referenceSize) }
        let rowSize = widths.reduce(0, +)
        guard rowSize > 0 else { throw FormatDefect("table '\(name)' has no columns") }
        guard data.count % rowSize == 0 else {
            throw FormatDefect("table '\(name)' holds \(data.count) bytes, not a whole number of \(rowSize)-byte rows")
        }
        rowCount = data.count / rowSize
        var offsets: [Int] = []
        var running = 0
        for width in widths {
            offsets.append(running)
            running += width * rowCount
        }
        blockOffsets = offsets
    }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    private func raw(row: Int, column: Int) -> UInt32? {
        guard row >= 0, row < rowCount, column >= 0, column < columns.count else { return nil }
        let width = widths[column]
        let at = blockOffsets[column] + row * width
        switch width {
        case 2: return data.u16(at).map(UInt32.init)
        case 3: return data.u16(at).map { UInt32($0) | UInt32(data[at + 2]) << 16 }
        default: return data.u32(at)
        }
    }

    /// A string cell; nil for null, for non-string columns and for references outside the string pool.
    func string(row: Int, _ column: String) -> String? {
        guard let index = columnIndex(column), columns[index].isString, let id = raw(row: row, column: index) else { return nil }
        return pool.string(Int(id))
    }

    /// An integer cell; MSI stores integers offset by 0x8000 (two bytes) or 0x80000000 (four), with 0 meaning null.
    func integer(row: Int, _ column: String) -> Int? {
        guard let index = columnIndex(column), !columns[index].isString, !columns[index].isBinary,
              let value = raw(row: row, column: index), value != 0 else { return nil }
        if widths[index] == 2 { return Int(value) - 0x8000 }
        return Int(Int32(bitPattern: value ^ 0x8000_0000))
    }
}

/// An MSI database inside a compound file: its string pool, table schemas and streams.
final class MSIDatabase {
    static let maxTableBytes = 64 << 20
    static let maxColumnsPerTable = 64

    let compound: CompoundFile
    let pool: MSIStringPool
    /// Table streams by table name.
    let tableStreams: [String: CompoundFile.Entry]
    /// Other root streams by decoded name (e.g. `app.cab`, `Binary.Icon`, `\u{5}SummaryInformation`).
    let streams: [String: CompoundFile.Entry]
    /// Column definitions by table name, in column order.
    private(set) var schemas: [String: [MSIColumn]] = [:]

    init(compound: CompoundFile) throws {
        self.compound = compound
        var tables: [String: CompoundFile.Entry] = [:]
        var others: [String: CompoundFile.Entry] = [:]
        for entry in compound.rootMembers where entry.isStream {
            let decoded = MSIStreamName.decode(entry.nameUnits)
            if decoded.isTable { tables[decoded.name] = entry } else { others[decoded.name] = entry }
        }
        tableStreams = tables
        streams = others
        guard let poolStream = tables["_StringPool"], let dataStream = tables["_StringData"] else {
            throw FormatDefect("the MSI string pool (_StringPool, _StringData) is missing")
        }
        pool = try MSIStringPool(pool: try compound.read(poolStream, limit: MSIStringPool.maxPoolBytes),
                                 data: try compound.read(dataStream, limit: MSIStringPool.maxDataBytes))
        try loadSchemas()
    }

    /// `_Columns` rows: Table (string), Number (i2), Name (string), Type (i2).
    private func loadSchemas() throws {
        guard let stream = tableStreams["_Columns"] else { throw FormatDefect("the MSI _Columns table is missing") }
        let columns = [
            MSIColumn(name: "Table", type: 0x2940), MSIColumn(name: "Number", type: 0x2102),
            MSIColumn(name: "Name", type: 0x0940), MSIColumn(name: "Type", type: 0x0102),
        ]
        try Self.checkRows(table: "_Columns", streamSize: stream.size, columns: columns, pool: pool,
                           limit: compound.file.limits.maxTableRows)
        let columnsTable = try MSITable(name: "_Columns", columns: columns,
                                        data: try compound.read(stream, limit: MSIDatabase.maxTableBytes), pool: pool)
        var collected: [String: [(number: Int, column: MSIColumn)]] = [:]
        for row in 0..<columnsTable.rowCount {
            guard let table = columnsTable.string(row: row, "Table"),
                  let number = columnsTable.integer(row: row, "Number"),
                  let name = columnsTable.string(row: row, "Name"),
                  let type = columnsTable.integer(row: row, "Type") else {
                throw FormatDefect("_Columns row \(row + 1) is incomplete")
            }
            collected[table, default: []].append((number, MSIColumn(name: name, type: UInt16(truncatingIfNeeded: type))))
        }
        for (table, columns) in collected {
            guard columns.count <= MSIDatabase.maxColumnsPerTable else {
                throw FormatDefect("table '\(table)' declares \(columns.count) columns; MSI allows at most 32")
            }
            let sorted = columns.sorted { $0.number < $1.number }
            guard sorted.enumerated().allSatisfy({ $0.offset + 1 == $0.element.number }) else {
                throw FormatDefect("the columns of table '\(table)' are not numbered 1 to \(columns.count)")
            }
            schemas[table] = sorted.map(\.column)
        }
    }

    /// The table, empty when the schema knows it but no stream holds rows; nil when the database has no such table.
    /// A table with more rows than `maxMsiTableRows` is refused before its stream is read.
    func table(_ name: String) throws -> MSITable? {
        guard let columns = schemas[name] else { return nil }
        if let stream = tableStreams[name] {
            try Self.checkRows(table: name, streamSize: stream.size, columns: columns, pool: pool,
                               limit: compound.file.limits.maxTableRows)
        }
        let data = try tableStreams[name].map { try compound.read($0, limit: MSIDatabase.maxTableBytes) } ?? []
        return try MSITable(name: name, columns: columns, data: data, pool: pool)
    }

    static func checkRows(table name: String, streamSize: UInt64, columns: [MSIColumn], pool: MSIStringPool,
                          limit: Int) throws {
        let rowSize = columns.reduce(0) { $0 + $1.width(referenceSize: pool.referenceSize) }
        guard rowSize > 0 else { return }
        let rows = streamSize / UInt64(rowSize)
        if rows > UInt64(limit) {
            throw BudgetExceeded("the MSI's \(SafeText.line(name, limit: 64)) table has \(Grouped.digits(rows)) rows; "
                + "the limit is \(Grouped.digits(limit)) (intake.yaml: maxMsiTableRows)")
        }
    }
}

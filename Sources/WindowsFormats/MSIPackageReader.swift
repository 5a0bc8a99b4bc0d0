import DepotModel

/// Reads the facts intake needs from an MSI package: Property, CustomAction, ServiceInstall, driver tables,
/// reboot actions in the sequences, embedded cabinets, File, Summary Information and the signature.
enum MSIPackageReader {
    /// Tables whose rows install drivers (DIFxApp's MsiDriverPackages is the one Windows Installer tooling writes).
    static let driverTables = ["MsiDriverPackages"]
    static let rebootActions: Set<String> = ["ScheduleReboot", "ForceReboot"]

    static func read(_ file: InstallerFile, trustedRoots: [String]?) throws -> WindowsInspection {
        let compound = try CompoundFile(file: file)
        let database = try MSIDatabase(compound: compound)
        var warnings: [String] = []
        var windows = WindowsFacts()

        let properties = try readProperties(database)
        windows.productCode = properties["ProductCode"]
        windows.upgradeCode = properties["UpgradeCode"]
        windows.productLanguage = properties["ProductLanguage"]

        var architectures: [String] = []
        if let stream = database.streams[SummaryInformation.streamName] {
            do {
                let summary = try SummaryInformation(bytes: try compound.read(stream, limit: SummaryInformation.maxBytes))
                windows.template = summary.template
                windows.author = summary.author
                windows.revisionNumber = summary.revisionNumber
                architectures = SummaryInformation.architectures(template: summary.template)
            } catch let defect as FormatDefect {
                warnings.append("Summary Information unreadable: \(defect.message)")
            }
        } else {
            warnings.append("the package has no Summary Information stream, so its platform is unknown")
        }

        windows.customActions = try optional("CustomAction", &warnings) { try customActionCounts(database) }
        windows.serviceInstalls = try optional("ServiceInstall", &warnings) { try database.table("ServiceInstall")?.rowCount ?? 0 }
        windows.drivers = try optional("driver tables", &warnings) {
            try driverTables.reduce(0) { $0 + (try database.table($1)?.rowCount ?? 0) }
        }
        windows.schedulesReboot = try optional("sequence tables", &warnings) { try schedulesReboot(database) }
        var cabinetWarnings: [String] = []
        windows.cabinets = try optional("Media", &warnings) {
            try cabinets(database, maxExamples: file.limits.maxExamplesPerWarning, warnings: &cabinetWarnings)
        }
        warnings += cabinetWarnings
        let files = try optional("File", &warnings) { try fileSummary(database) } ?? nil
        windows.signature = try MSISignature.inspect(compound, trustedRoots: trustedRoots, warnings: &warnings)

        return WindowsInspection(
            format: "msi", installerType: "msi",
            name: properties["ProductName"], version: properties["ProductVersion"], publisher: properties["Manufacturer"],
            platforms: ["windows"], architectures: architectures,
            entryCount: files?.count, uncompressedSize: files?.size,
            warnings: warnings, windows: windows)
    }

    /// Secondary tables that fail to parse become a warning instead of failing the whole package; an exceeded
    /// budget is never softened into a warning.
    private static func optional<T>(_ what: String, _ warnings: inout [String], _ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let budget as BudgetExceeded {
            throw budget
        } catch let defect as FormatDefect {
            warnings.append("\(what) unreadable: \(defect.message)")
        } catch {
            warnings.append("\(what) unreadable: \(error)")
        }
        return nil
    }

    /// Only the properties intake reports are kept, however many rows the table has.
    static let wantedProperties: Set<String> = ["ProductCode", "UpgradeCode", "ProductLanguage", "ProductName",
                                                "ProductVersion", "Manufacturer"]

    private static func readProperties(_ database: MSIDatabase) throws -> [String: String] {
        guard let table = try database.table("Property") else { throw FormatDefect("the MSI has no Property table") }
        var out: [String: String] = [:]
        for row in 0..<table.rowCount {
            if let key = table.string(row: row, "Property"), wantedProperties.contains(key) {
                out[key] = table.string(row: row, "Value")
            }
        }
        return out
    }

    /// Counts by the base type in the low six bits of CustomAction.Type: code type (bits 0–2) and source (bits 4–5).
    static func customActionCounts(_ database: MSIDatabase) throws -> [String: Int] {
        guard let table = try database.table("CustomAction") else { return [:] }
        var counts: [String: Int] = [:]
        for row in 0..<table.rowCount {
            counts[customActionKind(table.integer(row: row, "Type") ?? 0), default: 0] += 1
        }
        return counts
    }

    static func customActionKind(_ type: Int) -> String {
        let base = type & 0x3F
        switch base & 0x07 {
        case 1: return "dll"
        case 2: return "exe"
        case 5, 6: return "script"
        case 7: return "nested"
        case 3:
            switch base & 0x30 {
            case 0x10: return "error"
            case 0x20: return "directory"
            case 0x30: return "property"
            default: return "other"
            }
        default: return "other"
        }
    }

    private static func schedulesReboot(_ database: MSIDatabase) throws -> Bool {
        for name in ["InstallExecuteSequence", "InstallUISequence"] {
            guard let table = try database.table(name) else { continue }
            for row in 0..<table.rowCount where rebootActions.contains(table.string(row: row, "Action") ?? "") {
                return true
            }
        }
        return false
    }

    /// Cabinets listed in the facts; a package embedding more is summarised with a count.
    static let maxCabinetsListed = 100

    /// Media rows whose Cabinet starts with `#` name a stream inside the package; its CFHEADER gives the file count.
    /// Each stream is looked at once, however many rows name it; warnings of a kind become one line.
    private static func cabinets(_ database: MSIDatabase, maxExamples: Int, warnings: inout [String]) throws -> [CabinetFacts] {
        guard let media = try database.table("Media") else { return [] }
        var out: [CabinetFacts] = []
        var seen = Set<String>()
        var embedded = 0
        var missing = WarningTally("Media rows name embedded cabinets the package does not hold", maxExamples: maxExamples)
        var headerless = WarningTally("embedded cabinets do not start with a cabinet header", maxExamples: maxExamples)
        for row in 0..<media.rowCount {
            guard let cabinet = media.string(row: row, "Cabinet"), cabinet.hasPrefix("#") else { continue }
            let name = String(cabinet.dropFirst())
            guard seen.insert(name).inserted else { continue }
            guard let stream = database.streams[name] else {
                missing.note("row \(row + 1) '\(SafeText.line(name, limit: 64))'")
                continue
            }
            embedded += 1
            guard out.count < maxCabinetsListed else { continue }
            let header = try database.compound.prefix(stream, count: 36)
            guard header.count >= 36, Array(header.prefix(4)) == Array("MSCF".utf8), let files = header.u16(28) else {
                headerless.note("'\(SafeText.line(name, limit: 64))'")
                out.append(CabinetFacts(name: name, fileCount: 0, size: Int64(stream.size)))
                continue
            }
            out.append(CabinetFacts(name: name, fileCount: Int(files), size: Int64(stream.size)))
        }
        warnings += [missing.line, headerless.line].compactMap { $0 }
        if embedded > out.count {
            warnings.append("the package embeds \(Grouped.digits(embedded)) cabinets; the first \(out.count) are listed")
        }
        return out
    }

    private static func fileSummary(_ database: MSIDatabase) throws -> (count: Int, size: Int64)? {
        guard let table = try database.table("File") else { return nil }
        var size: Int64 = 0
        for row in 0..<table.rowCount {
            size &+= Int64(max(0, table.integer(row: row, "FileSize") ?? 0))
        }
        return (table.rowCount, size)
    }
}

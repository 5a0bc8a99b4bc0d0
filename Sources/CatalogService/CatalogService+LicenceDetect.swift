import DepotModel
import Foundation
import Inspection
import Licensing

extension CatalogService {
    /// What a reader of detection results should know about the reference library (data missing), or nil.
    public static var licenceLibraryNote: String? { LicenceReferenceData.library?.note }

    /// Detects licences in a text file, every file of a directory, or the licence files inside an installer.
    public func detectLicences(at path: URL) throws -> LicenceReport {
        try Self.detectLicences(at: path, limits: intakeLimits)
    }

    /// The same without a catalog, with the intake limits of the policy folder when one is given.
    public static func detectLicences(at path: URL, policies directory: URL?) throws -> LicenceReport {
        let limits = try directory.map { InspectionLimits(try loadPolicies(from: $0).intake) } ?? .standard
        return try detectLicences(at: path, limits: limits)
    }

    /// The same without a catalog: reads only the path given and the reference data, writes nothing (no depot home needed).
    /// In a folder, each file is named by its path relative to the folder.
    public static func detectLicences(at path: URL, limits: InspectionLimits) throws -> LicenceReport {
        guard let library = LicenceReferenceData.library else {
            throw ServiceError(.internal, code: "licence.reference-missing",
                "no reference licence texts are installed (base-files' common-licenses, ruby-licensee); run 'make deps'")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw ServiceError(.invalidInput, code: "file.missing", "\(path.path) does not exist; give a licence text, a folder or an installer")
        }
        var files: [(path: String, bytes: [UInt8])] = []
        if isDirectory.boolValue {
            let base = path.standardizedFileURL.path
            let walker = FileManager.default.enumerator(at: path, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey])
            while let url = walker?.nextObject() as? URL {
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey])
                guard values?.isRegularFile == true, values?.isSymbolicLink != true, (values?.fileSize ?? 0) <= LicenceDetector.maximumTextBytes,
                      let data = FileManager.default.contents(atPath: url.path) else { continue }
                files.append((String(url.standardizedFileURL.path.dropFirst(base.count + 1)), [UInt8](data)))
                if files.count >= 10_000 { break }
            }
        } else {
            let (facts, licences) = try Inspector(limits: limits).inspectWithLicences(file: path)
            if facts.format == "unknown" {
                // Not an installer: treat the file itself as a licence text.
                let handle = try FileHandle(forReadingFrom: path)
                defer { try? handle.close() }
                let data = try handle.read(upToCount: LicenceDetector.maximumTextBytes) ?? Data()
                files.append((path.lastPathComponent, [UInt8](data)))
            } else {
                files = licences.map { ($0.path, $0.bytes) }
            }
        }
        return LicenceDetector(library: library).detect(files: files)
    }
}

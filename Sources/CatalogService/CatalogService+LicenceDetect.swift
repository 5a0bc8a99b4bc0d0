import DepotModel
import Foundation
import Inspection
import Licensing

extension CatalogService {
    /// Detects licences in a text file, every file of a directory, or the licence files inside an installer.
    public func detectLicences(at path: URL) throws -> LicenceReport {
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
            let (facts, licences) = try inspector.inspectWithLicences(file: path)
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

import DepotModel
import Foundation
import Signing

/// Results of signature checks already made in this process, keyed by what they depend on: the installer's hash,
/// the signature file's size and modification time, and the root's fingerprint. A changed signature file or root
/// is checked again.
final class SignatureVerdicts: @unchecked Sendable {
    // Every access to `verdicts` holds `lock`.
    private let lock = NSLock()
    private var verdicts: [String: Bool] = [:]

    static let shared = SignatureVerdicts()

    func verdict(_ key: String, compute: () -> Bool) -> Bool {
        if let known = lock.withLock({ verdicts[key] }) { return known }
        let result = compute()
        lock.withLock { verdicts[key] = result }
        return result
    }
}

extension CatalogService {
    /// True when the installer `sha256` has a stored signature (`<blob>.p7s`) that verifies against the home's root
    /// certificate (what clients pin) with the catalog key role, now. Never true without the files.
    func signatureVerifies(sha256: String) -> Bool {
        guard let root = try? keyStore.rootCertificate() else { return false }
        let blob = blobs.url(for: sha256)
        let signatureFile = Self.signatureURL(blob)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: signatureFile.path),
              FileManager.default.isReadableFile(atPath: blob.path) else { return false }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(sha256)|\(size)|\(modified)|\(root.fingerprint)|\(Timestamp.day(now))"
        let at = now
        return SignatureVerdicts.shared.verdict(key) {
            (try? PackageSignature.verify(file: blob, signatureFile: signatureFile, root: root, now: at, role: .catalog)) != nil
        }
    }

    /// Sets `signed` on entries whose stored signature verifies and `orderable` on those that are also published.
    func markVerifiedSignatures(_ entries: inout [CatalogEntry]) {
        let signedStates: Set<PackageState> = [.signed, .published, .retired]
        for index in entries.indices {
            guard signedStates.contains(entries[index].state), let sha256 = entries[index].sha256 else { continue }
            let verified = signatureVerifies(sha256: sha256)
            entries[index].signed = verified
            entries[index].orderable = verified && entries[index].state == .published
        }
    }
}

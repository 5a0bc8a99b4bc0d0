import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Licensing
import Storage
import Whitelist

/// What the fast channel does at one `depot edu publish`.
struct FastChannelAdmissions {
    /// Tier → installers the tier's lists may carry in the fast channel (earlier admissions plus `new`).
    var admitted: [String: Set<String>] = [:]
    /// Admissions this publication records.
    var new: [EduFastChannelRecord] = []
    /// `tier open: vscode 1.91.0 (follows 1.90.0)` for every version listed.
    var listed: [String] = []
    /// `tier open: vscode 1.92.0: <reason>` for every version kept out.
    var held: [String] = []
}

extension CatalogService {
    /// Adds the normalised licence-text hashes to the candidates the fast channel compares: the unapproved versions
    /// and the published versions of the same programs. The texts are read again from the stored installers.
    func withLicenceTexts(_ candidates: [WhitelistCandidate]) -> [WhitelistCandidate] {
        let pending = Set(candidates.filter { $0.approvedScope == nil }.map(\.program))
        guard !pending.isEmpty else { return candidates }
        return candidates.map { candidate in
            guard pending.contains(candidate.program) else { return candidate }
            var read = candidate
            read.licenceTexts = licenceTextHashes(sha256: candidate.sha256)
            return read
        }
    }

    /// Normalised SHA-256 of every licence text in a stored installer; nil when it cannot be read.
    func licenceTextHashes(sha256: String) -> [String]? {
        let url = blobs.url(for: sha256)
        guard FileManager.default.fileExists(atPath: url.path),
              let (_, licences) = try? inspector.inspectWithLicences(file: url) else { return nil }
        return Array(Set(licences.map { LicenceHash.normalisedHash($0.bytes) })).sorted()
    }

    /// What earlier publications admitted to the fast channel, per tier.
    static func fastAdmitted(_ db: Database) throws -> [String: Set<String>] {
        var admitted: [String: Set<String>] = [:]
        for record in try EduFastChannelRecord.fetchAll(db) { admitted[record.tier, default: []].insert(record.sha256) }
        return admitted
    }

    /// Applies the fast channel's rule and each tier's update cadence: versions the rule lets in were either admitted
    /// before, are admitted now (the cadence is due), or wait for the tier's next update; the rest are held with the
    /// rule's reason. Nothing is written; the caller records `new` when it publishes.
    func fastChannelAdmissions(_ db: Database, builder: WhitelistBuilder, at: Date) throws -> FastChannelAdmissions {
        var result = FastChannelAdmissions(admitted: try Self.fastAdmitted(db))
        let stamp = Timestamp.string(at)
        for tier in builder.tiers.tiers where tier.fastChannel {
            let decisions = builder.fastChannelDecisions(tier: tier.id)
            let earlier = try EduFastChannelRecord.filter(Column("tier") == tier.id).fetchAll(db)
            let last = earlier.compactMap { Timestamp.parse($0.admittedAt) }.max()
            let due = Self.cadenceDue(tier.updateCadence, last: last, now: at)
            for decision in decisions {
                let c = decision.candidate
                let label = "tier \(tier.id): \(c.program) \(c.version)"
                if let refusal = decision.refusal {
                    result.held.append("\(label): \(refusal)")
                    continue
                }
                if result.admitted[tier.id]?.contains(c.sha256) == true {
                    result.listed.append("\(label) (follows \(decision.follows))")
                } else if let next = due.next {
                    result.held.append("\(label): the same publisher, signer and licence texts as \(decision.follows), but tier "
                        + "'\(tier.id)' updates \(tier.updateCadence.rawValue); it is listed at the first publication on or after \(next)")
                } else {
                    result.admitted[tier.id, default: []].insert(c.sha256)
                    result.new.append(EduFastChannelRecord(tier: tier.id, program: c.program, version: c.version, sha256: c.sha256,
                                                           follows: decision.follows, admittedAt: stamp))
                    result.listed.append("\(label) (follows \(decision.follows))")
                }
            }
        }
        return result
    }

    /// Whether a tier with `cadence` may admit new fast-channel versions now, given its last admission; when not,
    /// the day it may (`next`).
    static func cadenceDue(_ cadence: UpdateCadence, last: Date?, now: Date) -> (due: Bool, next: String?) {
        guard let last else { return (true, nil) }
        switch cadence {
        case .asReleased:
            return (true, nil)
        case .weekly:
            let next = last.addingTimeInterval(7 * 86_400)
            return now >= next ? (true, nil) : (false, Timestamp.day(next))
        case .centralMonthly:
            let month = Timestamp.day(last).prefix(7)
            if Timestamp.day(now).prefix(7) != month { return (true, nil) }
            let parts = month.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2 else { return (true, nil) }
            let (year, monthNumber) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
            return (false, String(format: "%04d-%02d-01", year, monthNumber))
        }
    }
}

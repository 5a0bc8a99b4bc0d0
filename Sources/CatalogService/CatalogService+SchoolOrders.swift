import DepotPolicy
import DepotModel
import Foundation
import GRDB
import Storage
import Whitelist

/// The school an order is placed for, with the whitelist the catalog would sign for it now (tier + allow − block).
struct SchoolOrderScope {
    let school: School
    let whitelist: WhitelistPayload
    let builder: WhitelistBuilder

    /// The newest centrally approved version the whitelist lists for `program`, else its newest listed one.
    func newestListed(_ program: String) -> String? {
        let listed = whitelist.entries(for: program)
        return (listed.last { $0.channel == .central } ?? listed.last)?.version
    }

    /// Nil when the whitelist lists `program` at `version`; else why not and what would change that.
    func refusal(program: String, version: String) -> String? {
        let listed = whitelist.entries(for: program)
        if listed.contains(where: { $0.version == version }) { return nil }
        let head = "school '\(school.id)' (tier '\(school.tier)') cannot order '\(program)' \(version): "
        if !listed.isEmpty {
            return head + "that version is not on the school's whitelist, which lists \(listed.map(\.version).joined(separator: ", ")); "
                + "order \(program)@\(listed.last!.version) or leave the version out"
        }
        let versions = builder.candidates.filter { $0.program == program && $0.approvedScope?.includesEdu == true }
        guard let category = versions.first?.category else {
            return head + "it has no published version whose licence is approved for edu, so no school's whitelist offers it; "
                + "a licence reviewer must approve it for edu (scope edu or both) before schools can order it"
        }
        if school.blocked.contains(program) {
            return head + "the school blocks it; the school admin can lift the block with 'depot edu schools set \(school.id) --allow \(program)'"
        }
        guard let tier = builder.tiers.tier(school.tier) else {
            return head + "the school's tier is not in edu-tiers.yaml; an admin must give the school a known tier"
        }
        if !tier.appCategories.contains(category) {
            let wider = builder.tiers.tiers.filter { $0.appCategories.contains(category) }.map { "'\($0.id)'" }
            return head + "tier '\(tier.id)' offers only \(tier.appCategories.joined(separator: ", ")) and '\(program)' is '\(category)'; "
                + (wider.isEmpty ? "no tier offers that category"
                   : "the principal may choose tier \(wider.joined(separator: " or ")) with 'depot edu schools set \(school.id) --tier …'")
        }
        return head + "tier '\(tier.id)' lists only the central standard set and the apps the school allows; "
            + "the school admin can add it with 'depot edu schools set \(school.id) --allow \(program)'"
    }
}

extension CatalogService {
    /// The school an order is for: a school admin's own school, or the one the request names; nil for an order
    /// that is not for a school. A school order must be for edu.
    func schoolOrderScope(_ db: Database, _ request: OrderRequest, environment: DeploymentEnvironment,
                          by actor: DepotUser) throws -> SchoolOrderScope? {
        var id = request.school.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        if actor.role == .schoolAdmin {
            guard let own = actor.school else {
                throw ServiceError(.forbidden, code: "order.school.none",
                    "\(actor.name) is a school admin of no school; an admin must name the school with 'depot users add \(actor.name) --school ID'")
            }
            if let id, id != own {
                throw ServiceError(.forbidden, code: "edu.school.scope",
                    "\(actor.name) is the school admin of '\(own)' and cannot order for school '\(id)'")
            }
            id = own
        }
        guard let id else { return nil }
        guard environment == .edu else {
            throw ServiceError(.invalidInput, code: "order.school.environment",
                "an order for school '\(id)' is installed on the school network; use environment edu (--environment edu)")
        }
        guard let record = try SchoolRecord.fetchOne(db, key: id) else {
            throw ServiceError(.notFound, code: "edu.school.unknown", "there is no school '\(id)'; 'depot edu schools list' shows them")
        }
        let school = School(id: record.id, name: record.name, tier: record.tier, allowed: record.allowed, blocked: record.blocked)
        let (builder, _) = try whitelistBuilder(db)
        return SchoolOrderScope(school: school, whitelist: try builder.whitelist(school: school), builder: builder)
    }
}

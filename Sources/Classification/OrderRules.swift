import DepotModel
import DepotPolicy

/// What the catalog knows about one version when it is ordered; the service looks it up, the rules judge it.
public struct OrderableVersion: Sendable, Codable, Equatable {
    /// The catalog's program id.
    public var program: String
    /// The version.
    public var version: String
    /// Where the version stands; only `published` is orderable.
    public var state: PackageState
    /// The environments the approved licence covers (empty: none, e.g. not yet reviewed).
    public var licenceEnvironments: [DeploymentEnvironment]
    /// Seats the licence grants, or nil when it sets no limit.
    public var seatsTotal: Int?
    /// Seats already taken by earlier orders.
    public var seatsUsed: Int

    /// Builds the facts for one version.
    public init(program: String, version: String, state: PackageState, licenceEnvironments: [DeploymentEnvironment],
                seatsTotal: Int? = nil, seatsUsed: Int = 0) {
        self.program = program
        self.version = version
        self.state = state
        self.licenceEnvironments = licenceEnvironments
        self.seatsTotal = seatsTotal
        self.seatsUsed = seatsUsed
    }
}

/// The rules an install order must meet before it is placed; each broken rule gives its own reason.
public enum OrderRules {
    /// Every reason the order is refused, in the order of its items; empty when it may be placed.
    /// `catalog` holds what is known per program and version; one missing from it is refused as unknown.
    public static func refusals(for order: Order, environment: DeploymentEnvironment,
                                catalog: [ProgramVersion: OrderableVersion]) -> [String] {
        var reasons: [String] = []
        // Seats are shared by every item of the same version in the order.
        var seatsAsked: [ProgramVersion: Int] = [:]
        for item in order.items where item.kind == .install {
            let key = ProgramVersion(program: item.program, version: item.version)
            let (sum, overflow) = (seatsAsked[key] ?? 0).addingReportingOverflow(item.quantity)
            seatsAsked[key] = overflow ? Int.max : sum
        }
        var reported: Set<ProgramVersion> = []
        for item in order.items where item.kind == .install {
            let key = ProgramVersion(program: item.program, version: item.version)
            guard reported.insert(key).inserted else { continue }
            let name = "\(item.program) \(item.version)"
            guard let known = catalog[key] else {
                reasons.append("\(name) is not in the catalog; order a published version (see 'depot catalog list')")
                continue
            }
            if known.state != .published {
                reasons.append("\(name) is \(known.state.rawValue), not published; only published versions can be ordered")
            }
            if !known.licenceEnvironments.contains(environment) {
                let covered = known.licenceEnvironments.map(\.rawValue).sorted()
                reasons.append("the licence of \(name) does not cover the \(environment.rawValue) environment"
                    + (covered.isEmpty ? "" : " (it covers \(covered.joined(separator: ", ")))"))
            }
            if let total = known.seatsTotal {
                let left = max(total - max(known.seatsUsed, 0), 0)
                let asked = seatsAsked[key] ?? 0
                if asked > left {
                    reasons.append("\(name) has \(left) of \(total) licence seats left and the order needs \(asked); "
                        + "order fewer, or have finance record more with 'depot licences add \(item.program) --seats N'")
                }
            }
        }
        return reasons
    }

    /// Throws a `refused` error listing every reason when the order may not be placed.
    public static func check(_ order: Order, environment: DeploymentEnvironment,
                             catalog: [ProgramVersion: OrderableVersion]) throws {
        let reasons = refusals(for: order, environment: environment, catalog: catalog)
        guard !reasons.isEmpty else { return }
        throw ClassificationError(.refused, code: "order.refused",
            "order \(order.id) is refused: " + reasons.joined(separator: "; "))
    }
}

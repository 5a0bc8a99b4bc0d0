import ArgumentParser
import CatalogService
import Classification
import Foundation

/// Who an order is for and who pays; shared by quote and place.
struct OrderOptions: ParsableArguments {
    @Option(help: "A program to install, as PROGRAM or PROGRAM@VERSION (newest published when no version); repeat for several.")
    var program: [String] = []
    @Option(help: "A profile (a named bundle in Catalog/profiles); repeat for several.")
    var profile: [String] = []
    @Option(help: "A user to install for; repeat for several.")
    var user: [String] = []
    @Option(help: "A device to install on; repeat for several.")
    var device: [String] = []
    @Option(help: "A group as NAME:SIZE[:users|devices] (a class, a unit), e.g. 7b:28:devices.")
    var group: String?
    @Option(name: .customLong("cost-ref"), help: "Who pays: ADMIN:IKB (administration number and cost bearer) or ref:TEXT.")
    var costRef: String
    @Option(help: "Where it is installed: admin or edu.")
    var environment = "admin"
    @Option(help: "The school the order is for (edu only; a school admin's own school by default): only what its whitelist offers.")
    var school: String?

    func request() throws -> OrderRequest {
        var recipientGroup: RecipientGroup?
        if let group {
            let parts = group.split(separator: ":").map(String.init)
            guard parts.count >= 2, let size = Int(parts[1]), parts.count < 4,
                  let kind = RecipientGroup.Kind(rawValue: parts.count == 3 ? parts[2] : "devices") else {
                throw ValidationError("--group '\(group)' must read NAME:SIZE or NAME:SIZE:users or NAME:SIZE:devices, e.g. 7b:28:devices")
            }
            recipientGroup = RecipientGroup(name: parts[0], kind: kind, size: size)
        }
        return OrderRequest(programs: program, profiles: profile, users: user, devices: device, group: recipientGroup,
                            costReference: costRef, environment: environment, school: school)
    }
}

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Quote, place and list install orders.", subcommands: [Quote.self, Place.self, List.self])

    static func print(_ view: OrderView) {
        Swift.print("\(view.id == "quote" ? "Quote" : "Order \(view.id)") for \(view.order.costReference) (\(view.environment)):")
        for item in view.order.items {
            Swift.print("  \(item.program) \(item.version) × \(item.quantity) at \(Money.format(item.unitPrice)) = \(Money.format(item.amount)) SEK")
        }
        Swift.print("Total \(Money.format(view.amount)) SEK excl. VAT")
    }

    /// Quote and place read the same options and print alike; only the use case differs.
    static func run(home: HomeOptions, actor: ActorOptions, output: OutputOptions, order: OrderOptions, place: Bool) async throws {
        let service = try home.service()
        let request = try order.request()
        let user = place ? try await actor.actor(service) : try await actor.reader(service)
        let view = place ? try await service.placeOrder(request, by: user) : try await service.quoteOrder(request, by: user)
        if output.json { return try Output.json(view) }
        OrdersCommand.print(view)
    }

    struct Quote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the price of an order without placing it.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var order: OrderOptions

        func run() async throws { try await OrdersCommand.run(home: home, actor: actor, output: output, order: order, place: false) }
    }

    struct Place: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place an order: checks licence scope and seats, takes the seats, records it.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var order: OrderOptions

        func run() async throws { try await OrdersCommand.run(home: home, actor: actor, output: output, order: order, place: true) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List placed orders, newest first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let orders = try await service.orders(by: try await actor.reader(service))
            if output.json { return try Output.json(orders) }
            Output.table(["ORDER", "PLACED BY", "COST REF", "ENV", "ITEMS", "AMOUNT (SEK)"], orders.map {
                [$0.id, $0.order.placedBy, $0.order.costReference.description, $0.environment, String($0.order.items.count), Money.format($0.amount)]
            })
        }
    }
}

struct InvoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices", abstract: "Invoices per month and cost reference.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the month's invoice lines (json, csv) or one PEPPOL BIS 3 UBL invoice per cost reference (ubl).")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "The month, as YYYY-MM.") var period: String
        @Option(help: "json, csv or ubl.") var format = "json"
        @Option(help: "For ubl: the folder to write the XML files into.") var out = "invoices"
        @Option(help: "The supplier on UBL invoices.") var supplierName = "Depot packaging service"
        @Option(help: "The supplier's organisation number (NNNNNN-NNNN).") var supplierOrg = "202100-5489"
        @Option(help: "The customer on UBL invoices.") var customerName = "Stockholms stad"
        @Option(help: "The customer's organisation number (NNNNNN-NNNN).") var customerOrg = "212000-0142"

        func run() async throws {
            let service = try home.service()
            let parties = InvoiceParties(supplier: InvoiceParty(name: supplierName, organisationNumber: supplierOrg),
                                         customer: InvoiceParty(name: customerName, organisationNumber: customerOrg))
            let result = try await service.invoices(period: period, format: format, parties: parties, by: try await actor.reader(service))
            if format != "ubl" {
                FileHandle.standardOutput.write(result.files.first?.data ?? Data())
                return
            }
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in result.files { try file.data.write(to: folder.appendingPathComponent(file.name), options: .atomic) }
            print("Wrote \(result.files.count) UBL invoice\(result.files.count == 1 ? "" : "s") to \(folder.path)")
        }
    }
}

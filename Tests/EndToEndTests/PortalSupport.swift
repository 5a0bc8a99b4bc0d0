import DepotTestSupport
import Foundation
import Testing

/// A depot home with one user per portal role, served by a real `depot serve`.
final class PortalFixture: @unchecked Sendable {
    // Built once in init and only read afterwards.
    let dir: TemporaryDirectory
    let home: String
    let server: RunningServer
    var tokens: [String: String] = [:]

    static let users: [(name: String, role: String, school: String?)] = [
        ("pat", "packager", nil), ("rita", "licence-reviewer", nil), ("sara", "school-admin", "hagaskolan"),
        ("fia", "finance", nil), ("rob", "release-manager", nil),
    ]

    init() throws {
        dir = try TemporaryDirectory("depot-portal")
        home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        let school = try DepotBinary.run(["edu", "schools", "add", "hagaskolan", "--name", "Hagaskolan", "--home", home, "--as", "admin"])
        #expect(school.succeeded, "\(school.stderr)")
        for user in Self.users {
            var arguments = ["users", "add", user.name, "--role", user.role, "--home", home, "--as", "admin", "--json"]
            if let school = user.school { arguments += ["--school", school] }
            let out = try DepotBinary.run(arguments)
            let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
            tokens[user.name] = try #require(object?["token"] as? String, "users add \(user.name): \(out.stdout) \(out.stderr)")
        }
        server = try RunningServer(arguments: ["serve", "--home", home])
    }

    deinit { server.stop() }

    /// A browser-like session through curl with its own cookie jar.
    func browser() -> CurlBrowser { CurlBrowser(base: server.baseURL, jar: dir.file("jar-\(UUID().uuidString)").path) }
}

/// What a browser does, done with curl: cookies kept in a jar, redirects not followed so tests see them.
struct CurlBrowser {
    let base: String
    let jar: String

    struct Page {
        let status: Int
        let body: String
        let headers: String

        /// The value of the hidden `csrf` field on the page.
        var csrf: String? {
            guard let range = body.range(of: "name=\"csrf\" value=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
        func header(_ name: String) -> [String] {
            headers.split(separator: "\r\n").filter { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    @discardableResult
    func get(_ path: String, headers: [String] = []) throws -> Page { try request("GET", path, headers: headers) }

    @discardableResult
    func post(_ path: String, form: [(String, String)], headers: [String] = []) throws -> Page {
        var args: [String] = []
        for (key, value) in form { args += ["--data-urlencode", "\(key)=\(value)"] }
        return try request("POST", path, extra: args, headers: headers)
    }

    func request(_ method: String, _ path: String, extra: [String] = [], headers: [String] = []) throws -> Page {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("portal-\(UUID().uuidString)")
        let head = FileManager.default.temporaryDirectory.appendingPathComponent("portal-h-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: head)
        }
        var args = ["-sS", "-X", method, "-b", jar, "-c", jar, "-o", out.path, "-D", head.path, "-w", "%{http_code}", "--max-time", "60"]
        for header in headers { args += ["-H", header] }
        args += extra
        args.append(base + path)
        let result = try Tools.require("curl", args)
        return Page(status: Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
                    body: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                    headers: (try? String(contentsOf: head, encoding: .utf8)) ?? "")
    }

    /// Signs in with a token; returns the sign-in response (a redirect that sets the cookie).
    @discardableResult
    func signIn(_ token: String, headers: [String] = []) throws -> Page {
        let form = try get("/login", headers: headers)
        return try post("/login", form: [("token", token), ("csrf", form.csrf ?? "")], headers: headers)
    }
}

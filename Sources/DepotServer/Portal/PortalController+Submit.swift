import CatalogService
import DepotModel
import Foundation
import HTTPTypes
import Hummingbird

/// Uploads waiting for the packager to confirm the inspected facts: the temporary file stays in the home's
/// incoming folder until confirmed, abandoned (replaced by the same user's next upload) or the server stops.
actor PendingUploads {
    struct Upload: Sendable {
        var user: String
        var url: URL
        var fileName: String
    }
    private var uploads: [String: Upload] = [:]

    /// Keeps an upload under a fresh random id; any earlier unconfirmed upload of the same user is returned for removal.
    func keep(_ upload: Upload) -> (id: String, replaced: [URL]) {
        let replaced = uploads.filter { $0.value.user == upload.user }
        for key in replaced.keys { uploads[key] = nil }
        let id = UUID().uuidString
        uploads[id] = upload
        return (id, replaced.values.map(\.url))
    }

    /// Takes the upload out if it belongs to this user.
    func take(_ id: String, user: String) -> Upload? {
        guard let upload = uploads[id], upload.user == user else { return nil }
        uploads[id] = nil
        return upload
    }
}

extension PortalController {
    func addSubmitRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/submit") { request, _ in
            await page(request, needs: .submit) { portal in try await submitPage(portal) }
        }
        router.post("portal/submit") { request, _ in
            await page(request, needs: .submit) { portal in try await upload(request, portal) }
        }
        router.post("portal/submit/confirm") { request, _ in
            await page(request, needs: .submit) { portal in try await confirm(request, portal) }
        }
    }

    func submitPage(_ portal: PortalRequest, status: HTTPResponse.Status = .ok) async throws -> Response {
        let s = portal.strings
        let recent = try await service.submissions(by: portal.user!).prefix(20)
        let list: HTML = recent.isEmpty ? .empty : """
            <h2>\(s["submit.mine"])</h2>
            <table><thead><tr><th scope="col">\(s["col.id"])</th><th scope="col">\(s["col.program"])</th><th scope="col">\(s["col.version"])</th><th scope="col">\(s["col.state"])</th></tr></thead>
            <tbody>\(recent.map { HTML("<tr><td>\($0.id)</td><td>\($0.program ?? $0.fileName)</td><td>\($0.version ?? "–")</td><td>\($0.state)</td></tr>") })</tbody></table>
            """
        // Without JavaScript the form posts as it is; with it, the progress bar follows the upload.
        let script = """
            <script>
            (function(){var f=document.getElementById('upload-form');var p=document.getElementById('upload-progress');
            if(!f||!window.XMLHttpRequest||!window.FormData)return;
            f.addEventListener('submit',function(e){e.preventDefault();p.hidden=false;var x=new XMLHttpRequest();
            x.open('POST',f.action);x.upload.onprogress=function(ev){if(ev.lengthComputable){p.max=ev.total;p.value=ev.loaded;}};
            x.onload=function(){document.open();document.write(x.responseText);document.close();};
            x.send(new FormData(f));});})();
            </script>
            """
        return html(portal, status: status, title: s["submit.title"], """
            <form id="upload-form" method="post" action="/portal/submit" enctype="multipart/form-data">
            \(portal.csrfField)
            <p><label for="installer">\(s["submit.file"])</label><input type="file" id="installer" name="installer" required></p>
            <p><label for="upload-progress">\(s["submit.progress"])</label><progress id="upload-progress" value="0" max="100" hidden></progress></p>
            <p><button type="submit">\(s["submit.upload"])</button></p>
            </form>
            \(list)
            \(HTML(raw: script))
            """)
    }

    /// Streams the multipart body to a temporary file, inspects it without storing it, and shows the facts to confirm.
    func upload(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let limit = service.maxInstallerBytes
        if let header = request.headers[.contentLength], let declared = Int64(header), declared > limit + 64 * 1024 {
            throw PortalError(.tooLarge, code: "inspect.too-large",
                "the installer is \(declared) bytes; the intake limit is \(limit) bytes (Policies/intake.yaml maxInstallerBytes)")
        }
        let reader = try MultipartReader(contentType: request.headers[.contentType], fileLimit: limit)
        let form = try await reader.read(request.body) { service.uploadTemporaryFile() }
        guard let file = form.file else {
            throw PortalError(.invalidInput, code: "upload.missing", "choose an installer file to upload")
        }
        do {
            try requireCSRF(form.fields["csrf"], portal)
            guard file.size > 0 else {
                throw PortalError(.invalidInput, code: "upload.empty", "the uploaded file is empty; choose the installer again")
            }
        } catch {
            service.discardUpload(file.url)
            throw error
        }
        let facts: InstallerFacts
        do {
            facts = try service.inspect(file: file.url)
        } catch {
            service.discardUpload(file.url)
            throw error
        }
        let fileName = SubmissionController.safeFileName(file.fileName) ?? "upload"
        let kept = await uploads.keep(.init(user: user.name, url: file.url, fileName: fileName))
        for old in kept.replaced { service.discardUpload(old) }
        let program = (facts.name ?? "").lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { $0.append($1) }
        return html(portal, title: s["submit.confirmTitle"], """
            <h2>\(s["submit.facts"])</h2>
            <table><tbody>
            <tr><th scope="row">\(s["submit.file"])</th><td>\(fileName) (\(facts.size) B, \(facts.format))</td></tr>
            <tr><th scope="row">SHA-256</th><td><code>\(facts.sha256)</code></td></tr>
            <tr><th scope="row">\(s["review.declared"])</th><td>\(facts.declaredLicense ?? "–")</td></tr>
            </tbody></table>
            <form method="post" action="/portal/submit/confirm">
            \(portal.csrfField)<input type="hidden" name="upload" value="\(kept.id)">
            \(HTML.field("program", label: s["submit.program"], value: program, required: true))
            \(HTML.field("version", label: s["submit.version"], value: facts.version, required: true))
            \(HTML.field("publisher", label: s["submit.publisher"], value: facts.publisher))
            \(HTML.field("name", label: s["submit.name"], value: facts.name))
            \(HTML.field("category", label: s["submit.category"]))
            \(HTML.field("description", label: s["submit.description"]))
            \(HTML.field("homepage", label: s["submit.homepage"], type: "url"))
            \(HTML.field("variant", label: s["submit.variant"]))
            \(HTML.field("platforms", label: s["submit.platforms"], value: facts.platforms.joined(separator: ", ")))
            \(HTML.field("costReference", label: s["submit.costref"]))
            <p><button type="submit">\(s["submit.confirm"])</button></p>
            </form>
            """)
    }

    func confirm(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let form = try await form(request)
        try requireCSRF(form["csrf"], portal)
        guard let id = form.text("upload"), let upload = await uploads.take(id, user: user.name) else {
            throw PortalError(.notFound, code: "upload.unknown", "that upload is no longer waiting; upload the installer again")
        }
        let overrides = SubmissionOverrides(program: form.text("program"), version: form.text("version"), publisher: form.text("publisher"),
                                            platforms: form.list("platforms"), costReference: form.text("costReference"),
                                            variant: form.text("variant"), name: form.text("name"), category: form.text("category"),
                                            description: form.text("description"), homepage: form.text("homepage"))
        let result = try await service.submitUploaded(temporary: upload.url, fileName: upload.fileName, overrides: overrides, by: user)
        let view = result.submission
        return html(portal, status: result.created ? .created : .ok, title: s["submit.done"], """
            <p class="ok" role="status">\(s["submit.done"]): #\(view.id) \(view.program ?? "") \(view.version ?? "") – \(view.state)</p>
            <p><a href="/portal/submit">\(s["submit.title"])</a></p>
            """)
    }
}

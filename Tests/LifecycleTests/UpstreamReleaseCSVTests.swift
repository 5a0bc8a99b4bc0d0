import DepotPolicy
import Lifecycle
import Testing

@Suite("Upstream release lists in CSV")
struct UpstreamReleaseCSVTests {
    @Test("reads columns in any order, quoting, CRLF and a BOM")
    func reads() throws {
        let text = "\u{FEFF}released,program,version,note\r\n"
            + "2026-06-03,mozilla-firefox,128.0,\"security, urgent\"\r\n"
            + "\r\n"
            + "2026-05-20,\"mozilla-firefox\",127.0,\"said \"\"stable\"\"\"\n"
        let rows = try UpstreamReleaseCSV.parse(text)
        #expect(rows == [
            UpstreamReleaseRow(program: "mozilla-firefox", release: UpstreamRelease(version: "128.0", released: LifecyclePolicies.day("2026-06-03"))),
            UpstreamReleaseRow(program: "mozilla-firefox", release: UpstreamRelease(version: "127.0", released: LifecyclePolicies.day("2026-05-20"))),
        ])
    }

    @Test("bad input names the line and the fix")
    func errors() {
        func message(_ text: String) -> String? {
            do { _ = try UpstreamReleaseCSV.parse(text); return nil } catch { return error.message }
        }
        #expect(message("") == "the file is empty; expected a header line 'program,version,released'")
        #expect(message("program,version\nx,1\n")?.contains("no 'released' column") == true)
        #expect(message("program,version,released\nx,1,2026-13-01\n") == "line 2: released '2026-13-01' is not a date; write it as YYYY-MM-DD")
        #expect(message("program,version,released\nx,,2026-01-01\n") == "line 2: the 'version' field is empty")
        #expect(message("program,version,released\n\"x,1,2026-01-01\n")?.contains("line 2: a quoted field is not closed") == true)
        #expect(message("program,version,released\na,1,2026-01-01\nb,2,2026-01-01\n") == nil)
        #expect((try? UpstreamReleaseCSV.parse("program,version,released\na,1,2026-01-01\nb,2,2026-01-01\n", maxRows: 1)) == nil)
    }
}

import DepotCrypto
import DepotTestSupport
import Foundation
import Signing
import Testing

@Suite("Signed JSON documents")
struct SignedDocumentTests {
    private func document(_ fixture: SigningFixture, version: Int = 3, role: KeyRole = .catalog,
                          payload: [String: JSONValue] = ["packages": .array([]), "note": .string("café \"quoted\"")])
        throws -> [UInt8] {
        try SignedDocument.sign(payload: payload, type: "depot.catalog", version: version, issued: fixture.now,
                                expires: fixture.days(7), with: try fixture.signer(role))
    }

    @Test("canonical form: sorted keys, no whitespace, minimal escapes")
    func canonicalForm() throws {
        let value = JSONValue.object([
            "b": .array([.integer(-12), .bool(true), .null]),
            "a": .string("tab\there \"q\" \\ / é \u{01}"),
            "B": .object([:]),
        ])
        let text = String(decoding: value.canonicalBytes, as: UTF8.self)
        #expect(text == #"{"B":{},"a":"tab\there \"q\" \\ / é \u0001","b":[-12,true,null]}"#)
        let reparsed = try JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalBytes))
        #expect(reparsed.canonicalBytes == value.canonicalBytes)
    }

    @Test("the parser is strict: duplicate keys, fractions, leading zeros, lone surrogates and trailing text are refused")
    func strictParser() throws {
        for bad in [#"{"a":1,"a":2}"#, "1.5", "1e3", "01", #""\ud800""#, "[1] x", "[1,]", #"{"a" 1}"#, "\"tab\there\"",
                    "99999999999999999999", "", "nul"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
        let parsed = try JSONValue.parse(Array(#" { "k" : [ -9223372036854775808, "\u00e9\ud83d\ude00\n", false ] } "#.utf8))
        #expect(parsed == .object(["k": .array([.integer(Int64.min), .string("é😀\n"), .bool(false)])]))
        #expect(String(decoding: parsed.canonicalBytes, as: UTF8.self) == #"{"k":[-9223372036854775808,"é😀\n",false]}"#)
    }

    @Test("a signed document verifies and gives back its payload and signer")
    func roundTrip() throws {
        let fixture = try SigningFixture()
        let bytes = try document(fixture)
        let verified = try SignedDocument.verify(data: bytes, root: try fixture.root(), now: fixture.now,
                                                 expectedType: "depot.catalog", role: .catalog, lastSeenVersion: 3)
        #expect(verified.version == 3)
        #expect(verified.type == "depot.catalog")
        #expect(verified.signed["note"] == .string("café \"quoted\""))
        #expect(verified.signer.fingerprint == (try fixture.signer().certificate.fingerprint))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"keyid\":\"\(verified.signer.fingerprint)\""))

        // Whitespace and member order are not part of what is signed.
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        #expect(signingErrorCode {
            _ = try SignedDocument.verify(data: Array(pretty), root: try fixture.root(), now: fixture.now)
        } == nil)
    }

    @Test("one byte changed inside signed: refused as a changed document")
    func changedDocument() throws {
        let fixture = try SigningFixture()
        var text = String(decoding: try document(fixture), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"version\":3", with: "\"version\":4")
        let error = signingErrorCode {
            _ = try SignedDocument.verify(data: Array(text.utf8), root: try fixture.root(), now: fixture.now,
                                          source: "catalog.json")
        }
        #expect(error?.code == "signing.signature-invalid")
        #expect(error?.message.hasPrefix("catalog.json") == true)
    }

    @Test("an older version after a newer one is refused as a rollback")
    func rollback() throws {
        let fixture = try SigningFixture()
        let older = try document(fixture, version: 4)
        let error = signingErrorCode {
            _ = try SignedDocument.verify(data: older, root: try fixture.root(), now: fixture.now, lastSeenVersion: 5)
        }
        #expect(error?.code == "signing.rollback")
        #expect(error?.message.contains("version 4") == true)
    }

    @Test("a document past its expiry is refused; before it, accepted")
    func expired() throws {
        let fixture = try SigningFixture()
        let bytes = try document(fixture)
        let root = try fixture.root()
        #expect(signingErrorCode { _ = try SignedDocument.verify(data: bytes, root: root, now: fixture.days(6.9)) } == nil)
        let fresh = try SignedDocument.verify(data: bytes, root: root, now: fixture.now)
        #expect(!fresh.needsRefresh(now: fixture.days(4.9), daysLeft: 2))
        #expect(fresh.needsRefresh(now: fixture.days(5), daysLeft: 2))
        let error = signingErrorCode { _ = try SignedDocument.verify(data: bytes, root: root, now: fixture.days(7)) }
        #expect(error?.code == "signing.expired")
    }

    @Test("a document signed by the edu key does not verify as a catalog document")
    func roleScoped() throws {
        let fixture = try SigningFixture()
        let bytes = try document(fixture, role: .edu)
        let error = signingErrorCode {
            _ = try SignedDocument.verify(data: bytes, root: try fixture.root(), now: fixture.now, role: .catalog)
        }
        #expect(error?.code == "signing.wrong-role")
        #expect(try SignedDocument.verify(data: bytes, root: try fixture.root(), now: fixture.now, role: .edu).signer.role == .edu)
    }

    @Test("a signer from another root is refused as not certified")
    func foreignSigner() throws {
        let fixture = try SigningFixture()
        let other = try SigningFixture("other")
        let bytes = try document(other)
        let error = signingErrorCode { _ = try SignedDocument.verify(data: bytes, root: try fixture.root(), now: fixture.now) }
        #expect(error?.code == "signing.untrusted-signer")
    }

    @Test("malformed documents are refused with a reason, never a crash")
    func malformed() throws {
        let fixture = try SigningFixture()
        let root = try fixture.root()
        let inputs = ["", "[]", "{\"signed\":{}}", "{\"signed\":{\"type\":\"x\",\"version\":1.5},\"signatures\":[]}",
                      String(repeating: "[", count: 100_000), "{\"signed\":{\"type\":\"t\",\"version\":1,\"issued\":"
                        + "\"2026-01-01T00:00:00Z\",\"expires\":\"2099-01-01T00:00:00Z\"},\"signatures\":[{\"keyid\":\"x\"}]}"]
        for input in inputs {
            let error = signingErrorCode { _ = try SignedDocument.verify(data: Array(input.utf8), root: root, now: fixture.now) }
            #expect(error?.code == "signing.malformed", "\(input.prefix(40))")
        }
        #expect(signingErrorCode {
            _ = try SignedDocument.sign(payload: ["version": .integer(9)], type: "t", version: 1, issued: fixture.now,
                                        expires: fixture.days(1), with: try fixture.signer())
        }?.code == "signing.payload-field")
    }
}

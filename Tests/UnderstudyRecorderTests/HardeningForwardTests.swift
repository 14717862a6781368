import Foundation
import Testing
import UnderstudyTestSupport

/// The forward proxy must not become a way into the machine or its network: loopback, private,
/// link-local (cloud metadata), CGNAT and unspecified addresses are refused however they are
/// spelled (decimal, octal, hex, short forms, IPv4-mapped IPv6, upper case names), for CONNECT
/// and for plain-HTTP absolute-form requests, before any connection is made.
struct HardeningForwardTests {
    @Test func privateDestinationsAreRefusedInEverySpelling() throws {
        let harness = try ForwardHarness(script: #"{"response": {"content": "MOCK-ANSWERED", "tool_calls": []}}"#)
        let port = harness.plainMockPort
        let targets = [
            "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/",
            "http://0.0.0.0:\(port)/v1/models", "http://2130706433:\(port)/v1/models", "http://0x7f.1:\(port)/v1/models",
            "http://127.1:\(port)/v1/models", "http://017700000001:\(port)/v1/models", "http://LOCALHOST:\(port)/v1/models",
            "http://[::1]:\(port)/v1/models", "http://[::ffff:127.0.0.1]:\(port)/v1/models", "http://[fd00::1]/",
            "http://[fe80::1]/", "https://[::1]:\(harness.tlsMockPort)/", "https://0.0.0.0:\(harness.tlsMockPort)/",
            "https://2130706433:\(harness.tlsMockPort)/", "https://169.254.169.254/",
        ]
        for target in targets {
            let result = try harness.curl(["-x", harness.proxy, "-m", "10", "-w", "\n%{http_connect} %{http_code}", target])
            let codes = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
            #expect(!result.stdout.contains("MOCK-ANSWERED"), "\(target) reached the mock")
            // 403: refused by policy; 400: a target the proxy cannot parse (IPv6 literals in absolute form).
            #expect(codes.contains("403") || codes.contains("400"), "\(target): \(codes)")
        }
        #expect(harness.recorder?.stop() == 0)
    }
}

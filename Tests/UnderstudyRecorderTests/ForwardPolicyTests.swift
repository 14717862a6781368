import Testing
import UnderstudyRecorder

/// Which CONNECT targets the forward proxy intercepts, tunnels or refuses.
struct ForwardPolicyTests {
    @Test func defaultProvidersAreIntercepted() {
        let policy = ForwardPolicy()
        #expect(policy.decide(authority: "api.openai.com:443") == .intercept(host: "api.openai.com", port: 443))
        #expect(policy.decide(authority: "API.Anthropic.com:443") == .intercept(host: "api.anthropic.com", port: 443))
        #expect(policy.decide(authority: "generativelanguage.googleapis.com:443")
            == .intercept(host: "generativelanguage.googleapis.com", port: 443))
    }

    @Test func configuredHostsAreInterceptedToo() {
        let policy = ForwardPolicy(extraAllowedHosts: ["llm.corp.example"])
        #expect(policy.decide(authority: "llm.corp.example:8443") == .intercept(host: "llm.corp.example", port: 8443))
    }

    @Test func otherHostsAreTunnelledOrRefusedByPolicy() {
        #expect(ForwardPolicy(otherHosts: .tunnel).decide(authority: "github.com:443") == .tunnel(host: "github.com", port: 443))
        guard case .refuse(let status, let reason) = ForwardPolicy(otherHosts: .refuse).decide(authority: "github.com:443") else {
            Issue.record("expected a refusal")
            return
        }
        #expect(status == 403)
        #expect(reason.contains("github.com"))
    }

    @Test func loopbackAndPrivateDestinationsAreRefusedUnlessAllowed() {
        let policy = ForwardPolicy(extraAllowedHosts: ["localhost"])
        for authority in ["127.0.0.1:22", "localhost:443", "10.1.2.3:443", "192.168.0.1:80", "172.20.0.1:443",
                          "169.254.169.254:80", "[::1]:443", "[fd00::1]:443", "[::ffff:127.0.0.1]:443", "0.0.0.0:443"] {
            guard case .refuse(403, _) = policy.decide(authority: authority) else {
                Issue.record("\(authority) must be refused")
                continue
            }
        }
        // A public name that resolves to a private address is refused as well.
        guard case .refuse(403, _) = policy.decide(authority: "api.openai.com:443", resolved: [[10, 0, 0, 5]]) else {
            Issue.record("a name resolving to 10.0.0.5 must be refused")
            return
        }
        #expect(policy.decide(authority: "api.openai.com:443", resolved: [[104, 18, 6, 192]])
            == .intercept(host: "api.openai.com", port: 443))
        let open = ForwardPolicy(extraAllowedHosts: ["localhost"], allowPrivate: true)
        #expect(open.decide(authority: "localhost:8443") == .intercept(host: "localhost", port: 8443))
        #expect(open.decide(authority: "[::1]:443") == .tunnel(host: "::1", port: 443))
    }

    @Test func malformedTargetsAreBadRequests() {
        for authority in ["api.openai.com", "api.openai.com:0", "api.openai.com:99999", ":443", "[::1:443", "a@b.com:443"] {
            guard case .refuse(400, _) = ForwardPolicy().decide(authority: authority) else {
                Issue.record("\(authority) must be a 400")
                continue
            }
        }
    }
}

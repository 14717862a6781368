import Testing
import UnderstudyRouter

struct PolicyDeciderTests {
    @Test func offAndMissingSpecialistsGoUpstream() {
        #expect(PolicyDecider.action(policy: .off, hasSpecialist: true, draw: 0) == .upstream(reason: "policy_off"))
        #expect(PolicyDecider.action(policy: .on, hasSpecialist: false, draw: 0) == .upstream(reason: "no_specialist"))
        #expect(PolicyDecider.action(policy: .shadow, hasSpecialist: false, draw: 0) == .upstream(reason: "no_specialist"))
    }

    @Test func shadowAndOn() {
        #expect(PolicyDecider.action(policy: .shadow, hasSpecialist: true, draw: 0.99) == .shadow)
        #expect(PolicyDecider.action(policy: .on, hasSpecialist: true, draw: 0.99) == .specialist)
    }

    @Test func canarySendsItsShareToTheSpecialist() {
        let policy = RoutePolicy.canary(0.2)
        let draws = (0..<1000).map { Double($0) / 1000 }
        let asked = draws.filter { PolicyDecider.action(policy: policy, hasSpecialist: true, draw: $0) == .specialist }
        #expect(asked.count == 200)
        #expect(PolicyDecider.action(policy: policy, hasSpecialist: true, draw: 0.5) == .upstream(reason: "canary_holdout"))
    }

    @Test func confidenceMustReachTheThreshold() {
        #expect(PolicyDecider.accepts(confidence: 0.9, threshold: 0.9))
        #expect(!PolicyDecider.accepts(confidence: 0.89, threshold: 0.9))
        // Replay proposed no threshold: never served.
        #expect(!PolicyDecider.accepts(confidence: 1, threshold: nil))
    }

    @Test func policyTableFallsBackToTheDefaultAndChangesLive() {
        let table = PolicyTable(defaultPolicy: .shadow, policies: ["c001": .on])
        #expect(table.policy(for: "c001") == .on)
        #expect(table.policy(for: "c002") == .shadow)
        table.set(.canary(0.1), for: "c002")
        table.defaultPolicy = .off
        #expect(table.policy(for: "c002") == .canary(0.1))
        #expect(table.policy(for: "c003") == .off)
    }
}

import Testing
import UnderstudyArchive
import UnderstudyRouter

struct PolicyAdminTests {
    let policies = PolicyTable(defaultPolicy: .shadow)

    func admin(token: String?) -> PolicyAdmin {
        PolicyAdmin(policies: policies, clusters: ["c001", "c002"], thresholds: ThresholdTable(thresholds: ["c001": 0.9]),
                    specialists: ["c001"], stats: RouterStats(), token: token.flatMap(AdminToken.init))
    }

    func put(_ admin: PolicyAdmin, _ path: String, _ body: String, authorization: String?) -> Int? {
        let headers = authorization.map { [HTTPHeaderField("Authorization", $0)] } ?? []
        return admin.respond(method: "PUT", path: path, headers: headers, body: Array(body.utf8))?.status
    }

    @Test func refusesWithoutTheRightToken() {
        let admin = admin(token: "s3cret")
        #expect(put(admin, "/admin/policies/c001", #"{"policy":"on"}"#, authorization: nil) == 401)
        #expect(put(admin, "/admin/policies/c001", #"{"policy":"on"}"#, authorization: "Bearer s3cre") == 401)
        #expect(put(admin, "/admin/policies/c001", #"{"policy":"on"}"#, authorization: "Bearer s3cret!") == 401)
        #expect(put(admin, "/admin/policies/c001", #"{"policy":"on"}"#, authorization: "Basic s3cret") == 401)
        #expect(policies.policy(for: "c001") == .shadow)
    }

    @Test func changesPoliciesWithTheToken() {
        let admin = admin(token: "s3cret")
        #expect(put(admin, "/admin/policies/c001", #"{"policy":"canary 10%"}"#, authorization: "Bearer s3cret") == 200)
        #expect(policies.policy(for: "c001") == .canary(0.1))
        #expect(put(admin, "/admin/policies/default", "off", authorization: "bearer s3cret") == 200)
        #expect(policies.policy(for: "c002") == .off)
        #expect(put(admin, "/admin/policies/c404", "on", authorization: "Bearer s3cret") == 404)
        #expect(put(admin, "/admin/policies/c001", "sometimes", authorization: "Bearer s3cret") == 400)
    }

    @Test func withoutAConfiguredTokenTheAPIIsClosed() {
        let admin = admin(token: nil)
        #expect(put(admin, "/admin/policies/c001", "on", authorization: "Bearer ") == 403)
        #expect(admin.respond(method: "GET", path: "/metrics", headers: [], body: []) == nil)
    }

    @Test func listsPoliciesAndThresholds() throws {
        let reply = try #require(admin(token: "t").respond(
            method: "GET", path: "/admin/policies", headers: [HTTPHeaderField("authorization", "Bearer t")], body: []))
        let json = try JSONValue(parsing: reply.body)
        #expect(json["default"]?.stringValue == "shadow")
        #expect(json["clusters"]?[0]?["threshold"]?.doubleValue == 0.9)
        #expect(json["clusters"]?[1]?["specialist"]?.boolValue == false)
    }
}

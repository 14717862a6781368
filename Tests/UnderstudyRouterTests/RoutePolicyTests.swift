import Testing
import UnderstudyRouter

struct RoutePolicyTests {
    @Test func parsesEveryWrittenForm() throws {
        #expect(try RoutePolicy(parsing: "off") == .off)
        #expect(try RoutePolicy(parsing: " Shadow ") == .shadow)
        #expect(try RoutePolicy(parsing: "on") == .on)
        #expect(try RoutePolicy(parsing: "canary 10%") == .canary(0.10))
        #expect(try RoutePolicy(parsing: "canary:25") == .canary(0.25))
        #expect(try RoutePolicy(parsing: "canary=0.5") == .canary(0.5))
    }

    @Test func rejectsWhatItCannotMean() {
        #expect(throws: RouterError.self) { try RoutePolicy(parsing: "maybe") }
        #expect(throws: RouterError.self) { try RoutePolicy(parsing: "canary") }
        #expect(throws: RouterError.self) { try RoutePolicy(parsing: "canary 150%") }
    }

    @Test func printsAsItIsWritten() throws {
        #expect(RoutePolicy.canary(0.1).description == "canary 10%")
        #expect(try RoutePolicy(parsing: RoutePolicy.canary(0.05).description) == .canary(0.05))
    }
}

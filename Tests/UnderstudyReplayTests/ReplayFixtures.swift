import Foundation
import UnderstudyTestSupport

/// `Fixtures/fake_specialist.py` on a free loopback port: an OpenAI-compatible endpoint that
/// answers order lookups right, or misbehaves on markers in the request (see the script).
final class FakeSpecialist: @unchecked Sendable {
    let process: BackgroundProcess
    let port: Int
    var url: String { "http://127.0.0.1:\(port)/v1" }

    init() throws {
        port = TestEnvironment.freePort()
        let script = TestEnvironment.repositoryRoot.appendingPathComponent(
            "Tests/UnderstudyReplayTests/Fixtures/fake_specialist.py")
        process = try BackgroundProcess(TestEnvironment.python, [script.path, String(port)])
        do {
            try BackgroundProcess.waitForPort(port, timeout: 30)
        } catch {
            throw FixtureError("the fake specialist never listened on \(port): \(process.log)")
        }
    }

    deinit { process.stop(signal: SIGKILL) }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A small distillation run written by hand in the formats of docs/formats.md: cluster
/// `c000` (order lookups, with a specialist) and `c001` (weather questions, no specialist).
/// The texts of c000's held-out requests carry the fake specialist's markers.
enum SmallRun {
    static let orderTexts = [
        "Where is my parcel, order A1001", "Has order A1002 shipped yet? It is A1002", "Status of A1003",
        "Track A1004", "Please look up A1005", "I need news on A1006",
        "[wrong] Where is A1007", "[http-error] Where is A1008", "[garbage] Where is A1009",
        "[bad-arguments] Where is A1010", "[slow] Where is A1011", "[unsure] Where is A1012",
    ]
    static let weatherTexts = ["Weather in Oslo?", "Will it rain in Lyon", "Forecast for Porto", "Is Bergen sunny"]

    static let tool = #"{"name":"lookup_order","description":"Look an order up","parameters":{"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}}"#

    /// Writes the run into `root/NAME` and returns its directory.
    static func write(in root: URL, name: String = "small") throws -> URL {
        let run = root.appendingPathComponent(name)
        let fm = FileManager.default
        try fm.createDirectory(at: run.appendingPathComponent("clusters/c000"), withIntermediateDirectories: true)
        try fm.createDirectory(at: run.appendingPathComponent("clusters/c001"), withIntermediateDirectories: true)
        try fm.createDirectory(at: run.appendingPathComponent("specialists/c000"), withIntermediateDirectories: true)
        let total = orderTexts.count + weatherTexts.count + 4  // 4 unclustered calls
        let orders = Double(orderTexts.count) / Double(total), weather = Double(weatherTexts.count) / Double(total)
        try write(#"""
            {"format":1,"embedder":"hashing-1024","clusters":[
             {"id":"c000","label":"order lookups","size":12,"count":12,"traffic_share":\#(orders),"cost_share":0.7,"cost":0.012,"prefix_hash":"h0","centroid":[],"radius":0.2},
             {"id":"c001","label":"weather questions","size":4,"count":4,"traffic_share":\#(weather),"cost_share":0.2,"cost":0.004,"prefix_hash":"h1","centroid":[],"radius":0.2}],
             "noise":{"size":4,"count":4,"traffic_share":\#(4.0 / Double(total))}}
            """#, to: run.appendingPathComponent("clusters.json"))
        try write(#"{"format":1,"id":"c000","system":"You look orders up.","tools":[\#(tool)]}"#,
                  to: run.appendingPathComponent("clusters/c000/cluster.json"))
        try write(#"{"format":1,"id":"c001","system":"You answer weather questions.","tools":[]}"#,
                  to: run.appendingPathComponent("clusters/c001/cluster.json"))
        try write(#"{"format":1,"cluster":"c000","prompt_format":1}"#,
                  to: run.appendingPathComponent("specialists/c000/specialist.json"))
        try lines(orderTexts.enumerated().map { i, text in
            let order = text.split(separator: " ").last!
            return #"{"format":1,"id":"o\#(i)","weight":1,"messages":[{"role":"user","content":"\#(text)"}],"target":{"content":null,"tool_calls":[{"name":"lookup_order","arguments":{"order_id":"\#(order)"}}]}}"#
        }, to: run.appendingPathComponent("clusters/c000/test.jsonl"))
        try lines(weatherTexts.enumerated().map { i, text in
            #"{"format":1,"id":"w\#(i)","weight":1,"messages":[{"role":"user","content":"\#(text)"}],"target":{"content":"Sunny and mild.","tool_calls":[]}}"#
        }, to: run.appendingPathComponent("clusters/c001/test.jsonl"))
        return run
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    static func lines(_ lines: [String], to url: URL) throws {
        try write(lines.joined(separator: "\n") + "\n", to: url)
    }
}

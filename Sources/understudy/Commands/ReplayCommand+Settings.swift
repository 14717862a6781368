import ArgumentParser
import Foundation
import TOMLKit
import UnderstudyDistill
import UnderstudyReplay

/// Options `replay` and `report` share: which run, prices, the error target, output format.
struct ReplayReportOptions: ParsableArguments {
    @Option(help: "Name of the run (a folder under --runs), or a path to a run directory.") var run: String
    @Option(help: "Folder holding runs.") var runs = "distill/runs"
    @Option(help: "Settings file (default ./understudy.toml when present): [prices] section.") var config: String?
    @Option(help: "JSON price table (USD per 1M tokens by model prefix), as for `distill`.") var prices: String?
    @Option(help: "Dollars per CPU-hour of specialist compute (default 0.05, or [prices] cpu_hour).") var cpuHourPrice: Double?
    @Option(help: "Highest error share per cluster the proposed threshold allows (0…1).") var targetError = 0.01
    @Flag(help: "Print the report's numbers as JSON.") var json = false

    func validate() throws {
        guard targetError >= 0 && targetError < 1 else { throw ValidationError("--target-error must be in [0, 1)") }
        if let cpuHourPrice, cpuHourPrice < 0 { throw ValidationError("--cpu-hour-price must not be negative") }
    }

    var runDirectory: URL {
        let direct = URL(fileURLWithPath: run)
        var isDirectory: ObjCBool = false
        if run.contains("/"), FileManager.default.fileExists(atPath: direct.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return direct
        }
        return URL(fileURLWithPath: runs).appendingPathComponent(run, isDirectory: true)
    }

    func openRun() throws -> RunDirectory {
        do { return try RunDirectory(url: runDirectory) } catch { throw CLIError("\(error)") }
    }

    /// Prices: built-in defaults, then `--prices FILE`, then understudy.toml `[prices]`, then
    /// `--cpu-hour-price`.
    func costModel() throws -> CostModel {
        var model = CostModel()
        if let prices {
            do { model.tokens = try PriceTable.load(path: prices) } catch { throw CLIError("\(error)") }
        }
        let settings = try UnderstudyConfiguration.load(path: config)
        if let section = settings.document?["prices"]?.table {
            let path = settings.path ?? "understudy.toml"
            for key in section.keys {
                let value = section[key]!
                if key == "cpu_hour" {
                    guard let price = value.double ?? value.int.map(Double.init) else {
                        throw CLIError("\(path): [prices] cpu_hour must be a number (dollars per CPU-hour)")
                    }
                    model.cpuHour = price
                } else {
                    guard let entry = value.table,
                        let input = entry["input"]?.double ?? entry["input"]?.int.map(Double.init),
                        let output = entry["output"]?.double ?? entry["output"]?.int.map(Double.init)
                    else {
                        throw CLIError("\(path): [prices] \(key) must be { input = USD per 1M tokens, output = USD per 1M tokens }")
                    }
                    model.tokens.prices[key.lowercased()] = PriceTable.Price(input: input, output: output)
                }
            }
        }
        if let cpuHourPrice { model.cpuHour = cpuHourPrice }
        return model
    }

    /// Shares and recorded cost of each cluster from the run.
    static func clusterInfos(_ run: RunDirectory) -> [RunCoverage.ClusterInfo] {
        run.clusters.map {
            RunCoverage.ClusterInfo(
                id: $0.id, label: $0.label, trafficShare: $0.trafficShare, costShare: $0.costShare, count: $0.count,
                cost: $0.cost > 0 ? $0.cost : nil, hasSpecialist: run.specialists[$0.id] != nil)
        }
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// The summary printed after `replay` and `report`.
    static func printSummary(_ coverage: RunCoverage, report: URL) {
        func p(_ x: Double) -> String { String(format: "%5.1f%%", x * 100) }
        let overall = coverage.overallAtProposed
        print("cluster            traffic  specialist  replayed  accuracy  threshold  coverage  error")
        for c in coverage.clusters {
            let t = c.proposal.threshold
            let name = c.id.count > 18 ? String(c.id.prefix(17)) + "…" : c.id.padding(toLength: 18, withPad: " ", startingAt: 0)
            let threshold = t.map { String(format: "%9.3f", $0) } ?? "      off"
            print("\(name) \(p(c.trafficShare))  \(c.hasSpecialist ? "yes" : "no ")         \(String(format: "%8d", c.verdicts.count))  \(c.hasSpecialist ? p(c.accuracy) : "    –")    \(threshold)    \(p(t == nil ? 0 : c.proposal.point.coverage))  \(p(t == nil ? 0 : c.proposal.point.error))")
        }
        print("overall: \(p(overall.coverage)) of calls and \(p(overall.coverageByCost)) of cost covered, error \(p(overall.error))")
        if let s = coverage.savings {
            print(String(format: "estimated savings over the recorded traffic: $%.4f net of $%.4f recorded", s.net, s.recordedCost))
        }
        print("report: \(report.appendingPathComponent("index.html").path)")
    }
}

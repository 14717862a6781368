import UnderstudyDistill

/// Prices for the savings estimate: per-token prices of the upstream models (the distiller's
/// `PriceTable`, the same one that priced the recorded traffic) and the price of the CPU time
/// in-process specialists use. Set in `understudy.toml`:
///
/// ```toml
/// [prices]
/// cpu_hour = 0.05                                   # $ per CPU-hour
/// "gpt-4o" = { input = 2.50, output = 10.00 }       # $ per million tokens
/// ```
public struct CostModel: Sendable {
    public var tokens: PriceTable
    /// Dollars per CPU-hour of specialist compute (default 0.05: about one cloud vCPU-hour).
    public var cpuHour: Double

    public init(tokens: PriceTable = PriceTable(), cpuHour: Double = 0.05) {
        self.tokens = tokens
        self.cpuHour = cpuHour
    }

    /// Dollars for `seconds` of CPU time.
    public func computeCost(cpuSeconds: Double) -> Double { cpuSeconds / 3600 * cpuHour }
}

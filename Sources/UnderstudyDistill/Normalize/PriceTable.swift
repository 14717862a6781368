import Foundation
import UnderstudyArchive

/// USD per million tokens by model, to turn recorded usage into recorded cost so later stages
/// can weight by what the traffic costs. Models match by the longest prefix of their name
/// ("gpt-4o-mini-2024-07-18" uses "gpt-4o-mini"). Override with a JSON file:
/// `{"gpt-4o": {"input": 2.5, "output": 10}, "*": {"input": 1, "output": 4}}`.
public struct PriceTable: Sendable {
    public struct Price: Sendable, Equatable {
        public var input: Double
        public var output: Double
        public init(input: Double, output: Double) {
            self.input = input
            self.output = output
        }
    }

    public var prices: [String: Price]
    /// For models no entry matches.
    public var fallback: Price

    public init(prices: [String: Price] = PriceTable.defaults, fallback: Price = Price(input: 1, output: 4)) {
        self.prices = prices
        self.fallback = fallback
    }

    /// List prices at the time of writing; override them for your contract.
    public static let defaults: [String: Price] = [
        "gpt-4o": Price(input: 2.5, output: 10), "gpt-4o-mini": Price(input: 0.15, output: 0.6),
        "gpt-4.1": Price(input: 2, output: 8), "gpt-4.1-mini": Price(input: 0.4, output: 1.6),
        "gpt-4.1-nano": Price(input: 0.1, output: 0.4), "gpt-4-turbo": Price(input: 10, output: 30),
        "gpt-3.5-turbo": Price(input: 0.5, output: 1.5), "o1": Price(input: 15, output: 60),
        "o3": Price(input: 2, output: 8), "o3-mini": Price(input: 1.1, output: 4.4),
        "o4-mini": Price(input: 1.1, output: 4.4),
        "gpt-5": Price(input: 1.25, output: 10), "gpt-5-mini": Price(input: 0.25, output: 2),
        "claude-3-5-sonnet": Price(input: 3, output: 15), "claude-3-7-sonnet": Price(input: 3, output: 15),
        "claude-sonnet-4": Price(input: 3, output: 15), "claude-3-5-haiku": Price(input: 0.8, output: 4),
        "claude-3-haiku": Price(input: 0.25, output: 1.25), "claude-opus-4": Price(input: 15, output: 75),
        "claude-3-opus": Price(input: 15, output: 75), "claude-haiku-4": Price(input: 1, output: 5),
        "gemini-1.5-pro": Price(input: 1.25, output: 5), "gemini-1.5-flash": Price(input: 0.075, output: 0.3),
        "gemini-2.0-flash": Price(input: 0.1, output: 0.4), "gemini-2.5-pro": Price(input: 1.25, output: 10),
        "gemini-2.5-flash": Price(input: 0.3, output: 2.5),
    ]

    public func price(for model: String?) -> Price {
        guard let model = model?.lowercased() else { return fallback }
        var best: (length: Int, price: Price)?
        for (prefix, price) in prices where model.hasPrefix(prefix) && prefix.count > (best?.length ?? -1) {
            best = (prefix.count, price)
        }
        return best?.price ?? fallback
    }

    /// The cost in USD of `usage` on `model`.
    public func cost(model: String?, usage: Exchange.Usage?) -> Double {
        let price = price(for: model)
        return (Double(usage?.inputTokens ?? 0) * price.input + Double(usage?.outputTokens ?? 0) * price.output)
            / 1_000_000
    }

    /// Reads a JSON price file; entries override the defaults, `"*"` sets the fallback.
    public static func load(path: String) throws -> PriceTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DistillError("cannot read the price table \(path)")
        }
        guard case .object(let members) = try JSONValue(parsing: Array(data)) else {
            throw DistillError(
                "\(path): a price table is a JSON object {\"model\": {\"input\": USD per 1M, \"output\": USD per 1M}}")
        }
        var table = PriceTable()
        for member in members {
            guard let input = member.value["input"]?.doubleValue, let output = member.value["output"]?.doubleValue
            else {
                throw DistillError("\(path): \(member.key) needs numeric \"input\" and \"output\" prices")
            }
            if member.key == "*" {
                table.fallback = Price(input: input, output: output)
            } else {
                table.prices[member.key.lowercased()] = Price(input: input, output: output)
            }
        }
        return table
    }
}

import TextTable

/// Tables printed by the CLI, all in one style (TextTable's plain layout, like `tabulate`).
///
/// ```swift
/// print(CLITable(["id", "size"], [["c000", "412"]]).rendered)
/// ```
struct CLITable {
    var headers: [String]
    var rows: [[String]]

    init(_ headers: [String], _ rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    var rendered: String {
        let headers = self.headers
        let table = TextTable<[String]> { row in
            headers.enumerated().map { index, title in Column(title: title, value: index < row.count ? row[index] : "") }
        }
        return table.string(for: rows) ?? ""
    }
}

/// `12.3%` with one decimal.
func percent(_ share: Double) -> String {
    let tenths = Int((share * 1000).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))%"
}

// Throughput of KnownKeyScanner on a realistic 1 KB chat body and on a 1 MB body (many messages,
// a few keys). Built with `swiftc -O` by ./run together with the scanner's source file.
import Foundation

let message = #"{"role":"user","content":"Please look at the task-list in the repo and summarise the open issues; the risk-assessment is due tomorrow, sk-short notes are fine. Use the weather tool for Paris and Rome."},"#
var small = #"{"model":"gpt-4o-mini","stream":true,"messages":["#
while small.utf8.count < 1000 { small += message }
small += #"{"role":"user","content":"ok"}]}"#
var large = #"{"model":"gpt-4o-mini","messages":["#
var n = 0
while large.utf8.count < 1_000_000 {
    large += n % 500 == 0 ? #"{"role":"user","content":"my key is sk-proj-Abc123def456ghi789jkl012mno\#(n)"},"# : message
    n += 1
}
large += #"{"role":"user","content":"ok"}]}"#

func measure(_ name: String, _ text: String, repeats: Int) {
    let bytes = Array(text.utf8)
    var rates: [Double] = []
    var found = 0
    for _ in 0..<7 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { found = KnownKeyScanner.ranges(in: bytes).count }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(Double(bytes.count * repeats) / seconds / 1e6)
    }
    rates.sort()
    print("\(name)\t\(bytes.count) B\tkeys \(found)\tmedian \(String(format: "%.0f", rates[3])) MB/s\tmin \(String(format: "%.0f", rates[0])) max \(String(format: "%.0f", rates[6]))")
}
measure("1 KB body", small, repeats: 20_000)
measure("1 MB body", large, repeats: 20)

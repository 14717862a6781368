import Foundation
import UnderstudyArchive
import CFuzzDriver

/// The archive reader: any bytes as a segment file must be read without crashing (damage is
/// reported as issues, never trusted), and every line it yields must parse as JSON or be
/// reported; the JSON parser must accept what its own writer wrote back.
@_cdecl("FuzzArchive_main")
public func fuzzArchiveMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    understudy_fuzz_main(argc, argv, { data, size in fuzzArchive(data!, size) })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let value = try? JSONValue(parsing: Array(bytes)) {
        let again = try? JSONValue(parsing: value.serialized())
        precondition(again == value, "JSON does not survive serialize → parse")
    }
    let url = fuzzDirectory.appendingPathComponent("segment.jsonl.zst")
    guard (try? bytes.write(to: url)) != nil else { return 0 }
    guard let reader = try? SegmentReader(url: url) else { return 0 }
    _ = try? reader.forEachLine { line, _ in
        _ = try? Exchange(jsonLine: Array(line))
    }
    return 0
}

let fuzzDirectory: URL = {
    let url = URL(fileURLWithPath: "/dev/shm/understudy-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

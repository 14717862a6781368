import Anonymize
import CFuzzDriver
import Foundation
import UnderstudyArchive

@_cdecl("FuzzAnonymizer_main")
public func fuzzAnonymizerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    understudy_fuzz_main(argc, argv, { data, size in fuzzAnonymizer(data!, size) })
}

let anonymizer = Anonymizer(configuration: AnonymizerConfiguration(key: Array("fuzz-key-0123456789abcdef".utf8)))
let planted = "sk-proj-FUZZPLANTEDabcdefghijklmnop0123"

/// The anonymizer: any text (and any JSON) must come out without crashing, and a key planted
/// between spaces in the middle of arbitrary text must never survive.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnonymizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    var scope = PseudonymScope(conversation: "fuzz")
    let out = anonymizer.anonymize(text: text + " " + planted + " " + text, scope: &scope)
    // The fuzzer may also write the key into the text itself, glued to other letters, where no
    // detector can tell it from a word; only the copy planted between spaces must go.
    func count(_ haystack: String) -> Int { haystack.components(separatedBy: planted).count - 1 }
    precondition(count(out) <= 2 * count(text), "a key planted between spaces survived anonymization")
    if let json = try? JSONValue(parsing: bytes) {
        _ = anonymizer.anonymize(json, scope: &scope)
    }
    return 0
}

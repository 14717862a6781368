/// String normalization of BFCL's AST checker (`bfcl_eval/eval_checker/ast_eval/ast_checker.py`,
/// `standardize_string`): spaces and the punctuation `,./-_*^` are removed, the text is
/// lower-cased and single quotes become double quotes, so "April 1, 2024" equals "april 1 2024"
/// and "New York" equals "new-york". BFCL applies it to string arguments, to string elements of
/// list arguments and to string values inside dict arguments; so does `ToolCallComparator`.
enum BFCLString {
    static func standardize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case " ", ",", ".", "/", "-", "_", "*", "^": continue
            case "'": out.append("\"")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

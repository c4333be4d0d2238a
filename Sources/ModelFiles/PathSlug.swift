/// The one rule by which text from a file (a model's `name`) becomes part of a path: the default
/// output folder `out/<slug>`, the session file `sessions/<slug>-<date>.netview.json` and an
/// exported script's default `--out`. A name is any text; its slug is one path component that
/// stays inside the folder it is put in.
public enum PathSlug {
    public static let maxLength = 64
    public static let fallback = "model"

    /// Characters outside `[A-Za-z0-9._-]` become `_`; at most 64 characters are kept; an empty
    /// result, `.` or `..` becomes `model`.
    public static func make(_ name: String) -> String {
        var out = ""
        for c in name.prefix(maxLength) {
            if let a = c.asciiValue, isSafe(a) { out.append(c) } else { out.append("_") }
        }
        return out.isEmpty || out == "." || out == ".." ? fallback : out
    }

    static func isSafe(_ a: UInt8) -> Bool {
        switch a {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension ModelFile {
    /// The model's name as a path component (`PathSlug`).
    public var slug: String { PathSlug.make(name) }
}

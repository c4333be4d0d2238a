import Foundation

/// A figure as SVG in millimetres (the document is `W`mm wide, one user unit a millimetre), in the
/// manner of a paper's: axes with ticks and units, text as text (selectable, 7 pt), colours
/// that stay apart for colour-blind readers (Okabe and Ito's).
public struct SVG {
    public let width: Double
    public private(set) var height: Double
    private var body: [String] = []

    /// Journal column widths: one column (85 mm) and two (180 mm).
    public static let widths: [Double] = [85, 180]
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    /// 7 pt in mm, and the smaller size of tick labels (6 pt).
    public static let font = 7 * 25.4 / 72, small = 6 * 25.4 / 72

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public mutating func grow(to h: Double) { height = max(height, h) }

    public static func n(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
    }

    /// Text escaped for XML: names come from files.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Control characters have no place in XML 1.0 text.
                if ch.value < 0x20 && ch != "\t" { out += "?" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    public mutating func text(_ x: Double, _ y: Double, _ s: String, size: Double = SVG.font, anchor: String = "start",
                              color: String = "#000000", rotate: Bool = false, bold: Bool = false) {
        let transform = rotate ? " transform=\"rotate(-90 \(SVG.n(x)) \(SVG.n(y)))\"" : ""
        body.append("<text x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" font-size=\"\(SVG.n(size))\" text-anchor=\"\(anchor)\" fill=\"\(color)\"" +
                    (bold ? " font-weight=\"bold\"" : "") + "\(transform)>\(SVG.escape(s))</text>")
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String = "#000000", width: Double = 0.2) {
        body.append("<line x1=\"\(SVG.n(x1))\" y1=\"\(SVG.n(y1))\" x2=\"\(SVG.n(x2))\" y2=\"\(SVG.n(y2))\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\"/>")
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\" stroke-width=\"0.15\"" } ?? ""
        let t = title.map { "<title>\(SVG.escape($0))</title>" } ?? ""
        body.append("<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(max(0, w)))\" height=\"\(SVG.n(max(0, h)))\" fill=\"\(fill)\"\(s)>\(t)</rect>")
    }

    /// A path of `d` commands (already in mm), stroked.
    public mutating func path(_ d: String, color: String, width: Double = 0.2, label: String? = nil) {
        guard !d.isEmpty else { return }
        let l = label.map { " data-label=\"\(SVG.escape($0))\"" } ?? ""
        body.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\"\(l)/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], color: String, width: Double = 0.25, label: String? = nil) {
        guard !points.isEmpty else { return }
        let l = label.map { " data-label=\"\(SVG.escape($0))\"" } ?? ""
        body.append("<polyline points=\"" + points.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ") +
                    "\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\" stroke-linejoin=\"round\"\(l)/>")
    }

    public mutating func group(_ id: String, _ build: (inout SVG) -> Void) {
        body.append("<g id=\"\(SVG.escape(id))\">")
        build(&self)
        body.append("</g>")
    }

    /// A panel's axes: a left axis from `lo` to `hi` over the panel's height and a bottom axis
    /// from `xlo` to `xhi` over its width, with ticks at 1, 2 or 5 times a power of ten, tick
    /// labels and each axis's label (with its unit).
    public mutating func axes(_ r: (x: Double, y: Double, w: Double, h: Double), x: (Double, Double, String)?, y: (Double, Double, String)?) {
        if let (lo, hi, label) = x {
            line(r.x, r.y + r.h, r.x + r.w, r.y + r.h)
            for t in SVG.ticks(lo, hi, most: max(2, Int(r.w / 9))) {
                let px = r.x + (t - lo) / (hi - lo) * r.w
                line(px, r.y + r.h, px, r.y + r.h + 0.8)
                text(px, r.y + r.h + 0.8 + SVG.small, SVG.tickLabel(t, lo, hi, most: max(2, Int(r.w / 9))), size: SVG.small, anchor: "middle")
            }
            text(r.x + r.w / 2, r.y + r.h + 1.6 + SVG.small + SVG.font, label, anchor: "middle")
        }
        if let (lo, hi, label) = y {
            line(r.x, r.y, r.x, r.y + r.h)
            for t in SVG.ticks(lo, hi, most: max(2, Int(r.h / 4))) {
                let py = r.y + r.h - (t - lo) / (hi - lo) * r.h
                line(r.x - 0.8, py, r.x, py)
                text(r.x - 1.1, py + SVG.small / 3, SVG.tickLabel(t, lo, hi, most: max(2, Int(r.h / 4))), size: SVG.small, anchor: "end")
            }
            text(r.x - 7.5, r.y + r.h / 2, label, anchor: "middle", rotate: true)
        }
    }

    /// Ticks at 1, 2 or 5 times a power of ten, at most `most` + 1 of them, within [lo, hi].
    public static func ticks(_ lo: Double, _ hi: Double, most: Int = 7) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(1, most))
        let p = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * p }.first { (hi - lo) / $0 <= Double(most) } ?? 10 * p
        var out: [Double] = []
        var t = (lo / step).rounded(.up) * step
        while t <= hi + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    static func tickLabel(_ t: Double, _ lo: Double, _ hi: Double, most: Int) -> String {
        let ts = ticks(lo, hi, most: most)
        let step = (ts.dropFirst().first ?? hi) - (ts.first ?? lo)
        let digits = max(0, -Int(log10(max(abs(step), 1e-12)).rounded(.down)))
        return String(format: "%.\(min(digits, 6))f", t)
    }

    public var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVG.n(width))mm" height="\(SVG.n(height))mm" viewBox="0 0 \(SVG.n(width)) \(SVG.n(height))" font-family="Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="\(SVG.n(width))" height="\(SVG.n(height))" fill="#ffffff"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }
}

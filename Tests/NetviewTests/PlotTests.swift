import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The elements of an SVG file, read with an XML parser (which fails on a malformed document).
final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    private var inText = false
    private var current = ""

    static func parse(_ path: String) throws -> SVGElements {
        let e = SVGElements()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = e
        guard parser.parse() else { throw NSError(domain: "svg", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path) is not well-formed XML"]) }
        return e
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        if name == "text" { inText = true; current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current); inText = false }
    }

    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }
}

/// `netview plot`: the figure as a paper's, checked by parsing it and, where rsvg-convert is
/// installed, by rendering it.
final class PlotTests: XCTestCase {
    func temp(_ name: String) -> String { NSTemporaryDirectory() + "nv-plot-\(name)-\(UUID().uuidString)" }

    func testFigureOfARunHasEveryPanel() throws {
        let run = temp("run"), svg = run + ".svg"
        defer { try? FileManager.default.removeItem(atPath: run); unlink(svg) }
        var r = Binary.run(["run", "assets/destexhe2009.json", "--time", "300", "--out", run, "--quiet"])
        XCTAssertEqual(r.code, 0, r.err)
        r = Binary.run(["plot", run, "--width", "85"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out.trimmingCharacters(in: .whitespacesAndNewlines), svg)
        let e = try SVGElements.parse(svg)
        let root = try XCTUnwrap(e.elements.first)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["width"], "85mm")
        XCTAssertEqual(root.attributes["viewBox"]?.hasPrefix("0 0 85 "), true)
        XCTAssertTrue(e.texts.contains("destexhe2009"), "\(e.texts)")
        for label in ["rate (Hz)", "time (ms)", "V_m (mV)", "cells", "RS", "LTS", "FS"] {
            XCTAssertTrue(e.texts.contains(label), "\(label) in \(e.texts)")
        }
        XCTAssertTrue(e.texts.contains { $0.hasPrefix("RS: mean ") })
        // One raster path per population; its ticks are the recorded spikes (every cell shown: 500 <= 2 x 400, so one in 2).
        let raster = e.elements.filter { $0.name == "path" && $0.attributes["data-label"] != nil }
        XCTAssertEqual(raster.map { $0.attributes["data-label"]! }, ["RS", "LTS", "FS"])
        let csv = try String(contentsOfFile: run + "/spikes.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let shownSpikes = csv.filter { line in
            let id = Int(line.split(separator: ",")[0])!
            let first = id <= 380 ? 1 : id <= 400 ? 381 : 401
            return (id - first) % 2 == 0
        }.count
        let ticks = raster.map { $0.attributes["d"]!.filter { $0 == "M" }.count }.reduce(0, +)
        XCTAssertEqual(ticks, shownSpikes)
        XCTAssertGreaterThan(ticks, 100)
        XCTAssertEqual(e.elements.filter { $0.name == "polyline" }.count, 3 + 1, "3 population rates and 1 V_m trace")
        if !Binary.shell("command -v rsvg-convert").isEmpty {
            let png = run + ".png"
            defer { unlink(png) }
            _ = Binary.shell("rsvg-convert -w 800 '\(svg)' -o '\(png)'")
            let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 10_000, "rsvg-convert renders it")
        } else {
            print("rsvg-convert is not installed: the rendering check is skipped")
        }
    }

    /// Names from a file reach the figure as text, escaped; the document stays well-formed.
    func testHostileNamesAreEscaped() throws {
        let dir = temp("names")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = """
        {"name": "a<b>&\\"c'", "nodes": [{"name": "E", "model": "iaf_psc_delta", "n": 5, "params": {"I_e": 2000.0}},
         {"name": "rec", "model": "spike_recorder"}], "connections": [{"source": "E", "target": "rec"}], "simulate": 100}
        """
        try model.write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        var r = Binary.run(["run", dir + "/m.json", "--out", dir + "/out", "--quiet"])
        XCTAssertEqual(r.code, 0, r.err)
        r = Binary.run(["plot", dir + "/out", "-o", dir + "/f.svg"])
        XCTAssertEqual(r.code, 0, r.err)
        let e = try SVGElements.parse(dir + "/f.svg")
        XCTAssertTrue(e.texts.contains("a<b>&\"c'"), "\(e.texts)")
    }

    func testSweepMapFigure() throws {
        let dir = temp("sweep")
        defer { try? FileManager.default.removeItem(atPath: dir); unlink(dir + ".svg") }
        var r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=60", "--param", "g=4:6:1", "--param", "eta=1,2", "--time", "60",
                            "--out", dir, "--quiet"])
        XCTAssertEqual(r.code, 0, r.err)
        r = Binary.run(["plot", dir])
        XCTAssertEqual(r.code, 0, r.err)
        var e = try SVGElements.parse(dir + ".svg")
        let cells = e.elements.filter { $0.name == "rect" && $0.attributes["stroke"] == "#ffffff" }
        XCTAssertEqual(cells.count, 6)
        XCTAssertTrue(e.texts.contains("g") && e.texts.contains("eta"), "\(e.texts)")
        XCTAssertTrue(e.texts.contains("SR") || e.texts.contains("SI slow") || e.texts.contains("AI"), "a legend: \(e.texts)")
        r = Binary.run(["plot", dir, "--map", "rate_hz.E", "-o", dir + ".svg"])
        XCTAssertEqual(r.code, 0, r.err)
        e = try SVGElements.parse(dir + ".svg")
        XCTAssertEqual(e.elements.filter { $0.name == "rect" && $0.attributes["stroke"] == "#ffffff" }.count, 6)
        r = Binary.run(["plot", dir, "--map", "nosuch"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("no such column"), r.err)
    }

    /// A folder whose files claim a spike far in the future still gives a figure of bounded size.
    func testFarSpikesGiveABoundedFigure() throws {
        let dir = temp("far")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir); unlink(dir + ".svg") }
        try "sender,time_ms\n1,150.0\n2,157.5\n1,900000000000.0\n".write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        let out = Binary.shell("ulimit -v 2000000; '\(Binary.path)' plot '\(dir)' 2>&1; echo EXIT=$?")
        XCTAssertTrue(out.contains("EXIT=0"), out)
        let e = try SVGElements.parse(dir + ".svg")
        XCTAssertEqual(e.count("polyline"), 1)
        XCTAssertTrue(e.texts.contains { $0.hasPrefix("bins of ") }, "\(e.texts)")
    }

    func testBadArguments() throws {
        let run = temp("bad")
        defer { try? FileManager.default.removeItem(atPath: run) }
        XCTAssertEqual(Binary.run(["run", "assets/balanced_neuron.json", "--time", "50", "--out", run, "--quiet"]).code, 0)
        for (args, message) in [(["--width", "100"], "--width must be 85 or 180"), (["-o", NSTemporaryDirectory()], "folder"),
                                (["--from", "50", "--to", "10"], "--to must be after --from"), (["--cells", "nosuch[0:3]"], "no population 'nosuch'"),
                                (["--from", "nan"], "--from must be")] {
            let r = Binary.run(["plot", run] + args)
            XCTAssertEqual(r.code, 2, "\(args)")
            XCTAssertTrue(r.err.contains(message), "\(args): \(r.err)")
        }
        let r = Binary.run(["plot", run + "-missing"])
        XCTAssertEqual(r.code, 2)
    }
}

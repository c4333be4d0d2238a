import Foundation
import XCTest
import ModelFiles

/// Expressions in model files: Python's operators, precedence and functions.
final class ExpressionTests: XCTestCase {
    /// The value of `expr` with parameters a = 2, b = 3, as a neuron's `I_e` reads it.
    func value(_ expr: String) throws -> Double {
        let text = """
        {"parameters": {"a": 2, "b": 3},
         "nodes": [{"name": "E", "model": "iaf_psc_delta", "params": {"I_e": "\(expr)"}}]}
        """
        let m = try ModelFile.parse(text: text)
        return try XCTUnwrap(m.nodes[0].params.first { $0.key == "I_e" }?.value.number)
    }

    func error(_ expr: String) -> String {
        do { _ = try value(expr); return "no error" } catch { return "\(error)" }
    }

    func testPythonPrecedenceAndAssociativity() throws {
        let cases: [(String, Double)] = [
            ("2**3", 8), ("-2**2", -4), ("(-2)**2", 4), ("2**-1", 0.5), ("2**3**2", 512),
            ("2*3**2", 18), ("-a**b", -8), ("a**-b**2", pow(2, -9)), ("--2**2", 4),
            ("1 + 2 * 3 - 4 / 2", 5), ("2 ** 0.5", 2.0.squareRoot()), ("3*-2", -6), ("a**b*2", 16),
        ]
        for (expr, want) in cases { XCTAssertEqual(try value(expr), want, expr) }
    }

    func testFunctions() throws {
        let cases: [(String, Double)] = [
            ("round(2.5)", 2), ("round(3.5)", 4), ("round(-2.5)", -2), ("round(0.49999999999999994)", 0),
            ("round(2068.3)", 2068), ("floor(-1.5)", -2), ("ceil(-1.5)", -1), ("abs(-a)", 2),
            ("exp(0)", 1), ("log(exp(b))", 3), ("sqrt(16)", 4), ("min(a, b, 1)", 1), ("max(a, b)", 3),
            ("max(-a, -b)", -2), ("round( (a + b) * 0.5 )", 2), ("exp(1)", M_E),
            ("log(1 - 0.1009) / log((20683*20683 - 1) / (20683*20683))", log(1 - 0.1009) / log((20683.0 * 20683 - 1) / (20683.0 * 20683))),
        ]
        for (expr, want) in cases { XCTAssertEqual(try value(expr), want, expr) }
    }

    /// A population size from a scale factor, as NEST's microcircuit example computes it.
    func testScaledPopulationSizes() throws {
        let text = """
        {"parameters": {"scale": 1, "N": "round(20683 * scale)"},
         "nodes": [{"name": "E", "model": "iaf_psc_exp", "n": "N"}], "simulate": 10}
        """
        XCTAssertEqual(try ModelFile.parse(text: text, overrides: ["scale": 0.1]).nodes[0].n, 2068)
        XCTAssertEqual(try ModelFile.parse(text: text, overrides: ["scale": 0.5]).nodes[0].n, 10342)  // 10341.5, half to even
    }

    func testErrorsNameTheProblem() {
        let cases: [(String, String)] = [
            ("log(0)", "log(0.0) needs a value > 0"), ("sqrt(-1)", "sqrt(-1.0) needs a value >= 0"),
            ("round(1, 2)", "round takes 1 argument, got 2"), ("min(1)", "min takes 2 or more arguments, got 1"),
            ("sin(1)", "unknown function 'sin'"), ("0**-1", "0 raised to a negative power"),
            ("(-8)**(1/3)", "negative number raised to a fractional power"), ("exp(1000)", "not a finite number"),
            ("2***3", "unexpected '*'"), ("max(1, 2", "missing ')'"), ("abs()", "abs takes 1 argument, got 0"),
            ("c ** 2", "unknown parameter 'c'"),
            (String(repeating: "2**", count: 150) + "2", "deeper than 100"),
            (String(repeating: "abs(", count: 150) + "1" + String(repeating: ")", count: 150), "deeper than 100"),
        ]
        for (expr, want) in cases {
            let e = error(expr)
            XCTAssertTrue(e.contains(want), "\(expr): \(e)")
        }
    }

    /// A parameter may share a function's name: only a call reads it as the function.
    func testNamesThatAreAlsoFunctions() throws {
        let text = """
        {"parameters": {"exp": 3, "y": "exp * exp(0)"},
         "nodes": [{"name": "E", "model": "iaf_psc_delta", "n": "y"}], "simulate": 10}
        """
        XCTAssertEqual(try ModelFile.parse(text: text).nodes[0].n, 3)
    }
}

/// SHA-256 against FIPS 180-4's examples and `sha256sum`.
final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Lengths around the 56-byte padding boundary.
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 55)), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 64)), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

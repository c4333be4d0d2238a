import Foundation
import XCTest
import NetCore

/// `netview defaults` agrees with NEST 3.10's GetDefaults for every key netview implements.
final class DefaultsTests: XCTestCase {
    func testDefaultsAgreeWithNEST() throws {
        let data = try Data(contentsOf: Fixtures.tests.appendingPathComponent("nest-defaults.json"))
        let nest = try JSONSerialization.jsonObject(with: data) as! [String: [String: Any]]
        var compared = 0
        for model in Kernel.models() {
            let theirs = try XCTUnwrap(nest[model], model)
            for (key, value) in try Kernel.defaults(of: model) {
                guard let ref = theirs[key] else { XCTFail("\(model).\(key) is not a NEST key"); continue }
                switch value {
                case let .number(x):
                    if let s = ref as? String {
                        XCTAssertEqual(formatNumber(x), s, "\(model).\(key)")
                    } else if let n = ref as? NSNumber {
                        XCTAssertEqual(x, n.doubleValue, accuracy: abs(n.doubleValue) * 1e-12, "\(model).\(key)")
                    } else { XCTFail("\(model).\(key)") }
                case let .bool(b): XCTAssertEqual(b, (ref as? NSNumber)?.boolValue, "\(model).\(key)")
                case let .strings(s): XCTAssertEqual(s, ref as? [String], "\(model).\(key)")
                case let .numbers(a): XCTAssertEqual(a, (ref as? [NSNumber])?.map(\.doubleValue), "\(model).\(key)")
                case let .string(s): XCTAssertEqual(s, ref as? String, "\(model).\(key)")
                default: XCTFail("\(model).\(key)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }
}

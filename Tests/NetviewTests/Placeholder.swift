import XCTest
final class NetviewTestsPlaceholder: XCTestCase { func testNothing() {} }

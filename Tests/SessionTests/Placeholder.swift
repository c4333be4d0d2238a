import XCTest
final class SessionTestsPlaceholder: XCTestCase { func testNothing() {} }

import XCTest
final class WorkbenchTestsPlaceholder: XCTestCase { func testNothing() {} }

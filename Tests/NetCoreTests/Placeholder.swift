import XCTest
final class NetCoreTestsPlaceholder: XCTestCase { func testNothing() {} }

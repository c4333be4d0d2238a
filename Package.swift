// swift-tools-version:6.0
import PackageDescription

// The architecture, bottom to top: NetCore (the simulator) <- ModelFiles (files <-> kernels)
// <- Session (background runs, snapshots) <- Workbench (the screen) <- netview (commands);
// Interop (compare output folders, export to PyNEST and PyNN) sits beside Session on ModelFiles.
// CPrefetch is one C header: the cache prefetch hint NetCore's synapse scatter asks for ahead.
// On x86-64 every build uses AVX2 (Haswell and later): the SIMD4 integrator state then fits one
// register, and NetCore's lane operations are AVX instructions (LaneArithmetic.swift), which
// the compiler cannot emit for an older processor. Release builds also drop dynamic exclusivity
// checks in the hot loops.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let optimize: [SwiftSetting] = [
    .unsafeFlags(cpuFlags),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "netview",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "netview", targets: ["netview"]),
        .library(name: "NetCore", targets: ["NetCore"]),
        .library(name: "ModelFiles", targets: ["ModelFiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CPrefetch"),
        .target(name: "NetCore", dependencies: ["CPrefetch"], swiftSettings: optimize),
        .target(name: "ModelFiles", dependencies: ["NetCore", .product(name: "Yams", package: "Yams")],
                swiftSettings: optimize),
        .target(name: "Session", dependencies: ["NetCore", "ModelFiles"], swiftSettings: optimize),
        .target(name: "Interop", dependencies: ["ModelFiles", "NetCore"]),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .target(name: "Workbench", dependencies: ["Session", "Interop", "ModelFiles", "NetCore", "CNcursesw"]),
        .executableTarget(name: "netview", dependencies: [
            "NetCore", "ModelFiles", "Session", "Workbench", "Interop",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimize),
        .testTarget(name: "NetCoreTests", dependencies: ["NetCore"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "NetCore"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "ModelFiles", "NetCore", "netview"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "Session", "Interop"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "ModelFiles", "NetCore", "netview"]),
        .testTarget(name: "NetviewTests", dependencies: ["ModelFiles", "netview"]),
    ],
    swiftLanguageModes: [.v5]
)

// swift-tools-version: 6.1

import PackageDescription

let package = Package(
    name: "ResilienceBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "flotilla", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "ResilienceBenchmarks",
            dependencies: [
                .product(name: "FlotillaResilience", package: "flotilla"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ResilienceBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "BareHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BareHummingbird"
        ),
    ],
    swiftLanguageModes: [.v6]
)

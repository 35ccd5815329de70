// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "flotilla",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flotilla", targets: ["flotilla"]),
        .library(name: "FlotillaCore", targets: ["FlotillaCore"]),
        .library(name: "FlotillaHTTP", targets: ["FlotillaHTTP"]),
        .library(name: "FlotillaStore", targets: ["FlotillaStore"]),
        .library(name: "FlotillaTesting", targets: ["FlotillaTesting"]),
        .library(name: "FlotillaResilience", targets: ["FlotillaResilience"]),
        .library(name: "FlotillaHTTPClient", targets: ["FlotillaHTTPClient"]),
        .library(name: "UserService", targets: ["UserService"]),
        .library(name: "FlotillaRegistry", targets: ["FlotillaRegistry"]),
        .library(name: "FlotillaDiscovery", targets: ["FlotillaDiscovery"]),
        .library(name: "FlotillaIdempotency", targets: ["FlotillaIdempotency"]),
        .library(name: "FlotillaSaga", targets: ["FlotillaSaga"]),
        .library(name: "FlotillaGateway", targets: ["FlotillaGateway"]),
        .library(name: "InventoryService", targets: ["InventoryService"]),
        .library(name: "PaymentService", targets: ["PaymentService"]),
        .library(name: "ShippingService", targets: ["ShippingService"]),
        .library(name: "OrderService", targets: ["OrderService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The Linux system calls of the gateway's epoll data plane (the only C in Flotilla).
        .target(name: "CFlotillaEpoll"),
        .target(
            name: "FlotillaCore",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaHTTP",
            dependencies: [
                "FlotillaCore", "FlotillaDiscovery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaStore",
            dependencies: [
                "FlotillaCore",
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaResilience",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaHTTPClient",
            dependencies: [
                "FlotillaResilience",
                "FlotillaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                // Vends the `Instrumentation` and `ServiceContextModule` modules.
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "UserService",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Services/UserService",
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaIdempotency",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaSaga",
            dependencies: [
                "FlotillaCore", "FlotillaStore", "FlotillaResilience",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaGateway",
            dependencies: [
                "FlotillaCore", "FlotillaResilience", "FlotillaDiscovery", "CFlotillaEpoll",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "InventoryService",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore", "FlotillaIdempotency",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Services/InventoryService",
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/catalogue.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PaymentService",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore", "FlotillaIdempotency",
            ],
            path: "Sources/Services/PaymentService",
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShippingService",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore", "FlotillaIdempotency",
            ],
            path: "Sources/Services/ShippingService",
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrderService",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore", "FlotillaIdempotency",
                "FlotillaSaga", "FlotillaHTTPClient", "FlotillaDiscovery", "FlotillaResilience",
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Sources/Services/OrderService",
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaIdempotencyTests",
            dependencies: [
                "FlotillaIdempotency", "FlotillaTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaSagaTests",
            dependencies: [
                "FlotillaSaga", "FlotillaTesting",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaGatewayTests",
            dependencies: [
                "FlotillaGateway", "FlotillaTesting", "flotilla",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InventoryServiceTests",
            dependencies: [
                "InventoryService", "FlotillaTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PaymentServiceTests",
            dependencies: [
                "PaymentService", "FlotillaTesting", "flotilla",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShippingServiceTests",
            dependencies: [
                "ShippingService", "FlotillaTesting", "flotilla",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrderServiceTests",
            dependencies: [
                "OrderService", "FlotillaTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "flotilla",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "UserService",
                "FlotillaRegistry", "FlotillaGateway", "FlotillaDiscovery",
                "InventoryService", "PaymentService", "ShippingService", "OrderService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaTesting",
            dependencies: [
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaCoreTests",
            dependencies: ["FlotillaCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaHTTPTests",
            dependencies: [
                "FlotillaHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaStoreTests",
            dependencies: ["FlotillaStore", "FlotillaTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UserServiceTests",
            dependencies: [
                "UserService", "FlotillaTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaRegistry",
            dependencies: [
                "FlotillaCore", "FlotillaHTTP", "FlotillaStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaDiscovery",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaDiscoveryTests",
            dependencies: ["FlotillaDiscovery", "FlotillaTesting", "flotilla"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaRegistryTests",
            dependencies: [
                "FlotillaRegistry", "FlotillaTesting", "flotilla",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaResilienceTests",
            dependencies: [
                "FlotillaResilience", "FlotillaTesting",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlotillaHTTPClientTests",
            dependencies: [
                "FlotillaHTTPClient", "FlotillaResilience", "FlotillaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SystemTests",
            dependencies: ["FlotillaTesting", "flotilla"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.0
// SPDX-License-Identifier: Apache-2.0
//
// MailDouble: a local emulator of messaging HTTP APIs (Flowmailer, Postflare/Resend, Flowdock).
// Layering (imports point downward only):
//   maildouble (exe) → MailDoubleApp → ControlPlane → {FlowmailerAPI, PostflareAPI, FlowdockAPI} → EmulatorKit
//     → Routing → HTTPCore
//   MailDoubleApp → HTTPServer → {HTTP1, HTTP2, TLS} → HTTPCore / CNghttp2 / COpenSSL
// Platforms: Linux only (epoll, eventfd, glibc); there is no `platforms` entry for it, and no other builds.
import Foundation
import PackageDescription

/// `MAILDOUBLE_WERROR=1` (set by `make test`, so CI) turns warnings into errors in this package's own targets.
let warningsAreErrors = ProcessInfo.processInfo.environment["MAILDOUBLE_WERROR"] == "1"

let swiftSettings: [SwiftSetting] =
    [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + (warningsAreErrors ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "MailDouble",
    products: [
        .executable(name: "maildouble", targets: ["maildouble"]),
        // libFuzzer targets for the hand-written parsers; scripts/fuzz.sh builds them instrumented.
        .executable(name: "maildouble-fuzz", targets: ["MailDoubleFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Structured logging (README, Dependencies): the Logger API; the text/JSON handler is ours.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // System libraries. `make` installs the -dev packages; SwiftPM's providers only print a hint.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNghttp2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        // epoll and eventfd, which Swift's Glibc module does not export.
        .systemLibrary(name: "CLinux"),

        // Pure values: Request, Response, headers, router, JSON, URL coding. No I/O, no C.
        .target(name: "HTTPCore", swiftSettings: swiftSettings),
        // Sans-IO codecs and TLS.
        .target(name: "HTTP1", dependencies: ["HTTPCore"], swiftSettings: swiftSettings),
        .target(name: "HTTP2", dependencies: ["HTTPCore", "CNghttp2"], swiftSettings: swiftSettings),
        .target(name: "TLS", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        // I/O: epoll event loops, listeners, connections, timers, shutdown.
        .target(
            name: "HTTPServer",
            dependencies: ["HTTPCore", "HTTP1", "HTTP2", "TLS", "CLinux"],
            swiftSettings: swiftSettings
        ),

        // Router trie, middleware (told the matched route), dispatcher, the error protocol routes render.
        .target(name: "Routing", dependencies: ["HTTPCore"], swiftSettings: swiftSettings),
        // The vendor contract and change feed, and what two or more vendors share: clock, ids, PRNG, timestamps,
        // the ordered table, rate limiter, credentials, fixtures.
        .target(name: "EmulatorKit", dependencies: ["HTTPCore", "Routing"], swiftSettings: swiftSettings),
        .target(
            name: "FlowmailerAPI",
            dependencies: ["EmulatorKit", "HTTPCore", "Routing"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostflareAPI",
            dependencies: ["EmulatorKit", "HTTPCore", "Routing"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowdockAPI",
            dependencies: ["EmulatorKit", "HTTPCore", "Routing"],
            swiftSettings: swiftSettings
        ),

        // The test control plane under /_emulator/: inspection and waits, through the vendor contract only.
        .target(
            name: "ControlPlane",
            dependencies: ["EmulatorKit", "HTTPCore", "Routing"],
            swiftSettings: swiftSettings
        ),

        // Wiring: configuration, the emulator's own routes, server start/stop. Tests start it in-process.
        .target(
            name: "MailDoubleApp",
            dependencies: [
                "HTTPServer", "HTTPCore", "Routing", "EmulatorKit", "ControlPlane", "FlowmailerAPI", "PostflareAPI",
                "FlowdockAPI", "TLS", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "maildouble",
            dependencies: [
                "MailDoubleApp", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test support only (never linked into the executable): one client protocol that runs a test body
        // against a router in memory or against a live TLS server (HummingbirdTesting's `.router` / `.live`).
        .target(
            name: "MailDoubleTesting",
            dependencies: ["HTTPCore", "Routing", "HTTPServer", "TLS"],
            swiftSettings: swiftSettings
        ),

        // Fuzzing: libFuzzer's driver (declared weak, so a plain build links and replays files) and the targets.
        .systemLibrary(name: "CFuzzer", path: "Tests/Fuzz/CFuzzer"),
        .executableTarget(
            name: "MailDoubleFuzz",
            dependencies: [
                "CFuzzer", "HTTPCore", "HTTP1", "HTTP2", "Routing", "EmulatorKit", "FlowmailerAPI", "PostflareAPI",
                "FlowdockAPI",
            ],
            path: "Tests/Fuzz/MailDoubleFuzz",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: ["ControlPlane", "EmulatorKit", "HTTPCore", "Routing"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "HTTPCore"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "HTTPCore"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2", "HTTPCore", "CNghttp2"], swiftSettings: swiftSettings),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "HTTPCore", "TLS"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailDoubleTestingTests",
            dependencies: ["MailDoubleTesting", "HTTPCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EmulatorKitTests", dependencies: ["EmulatorKit", "HTTPCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FlowmailerAPITests",
            dependencies: ["FlowmailerAPI", "EmulatorKit", "HTTPCore", "Routing", "MailDoubleTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostflareAPITests",
            dependencies: ["PostflareAPI", "EmulatorKit", "HTTPCore", "Routing", "MailDoubleTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowdockAPITests",
            dependencies: ["FlowdockAPI", "EmulatorKit", "HTTPCore", "Routing", "MailDoubleTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailDoubleAppTests",
            dependencies: [
                "MailDoubleApp", "ControlPlane", "HTTPServer", "HTTPCore", "Routing", "EmulatorKit", "TLS", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

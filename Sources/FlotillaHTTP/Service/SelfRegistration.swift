import FlotillaCore
import FlotillaDiscovery
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Registers the service with the registry once it is listening and ready, with `/health/ready` as
/// its HTTP check, and deregisters it the moment graceful shutdown begins (before the server drains),
/// so callers stop picking it while it finishes its in-flight requests.
final class SelfRegistration: Service, Sendable {
    private let configuration: ServiceConfiguration
    private let registryURL: String
    private let readiness: Readiness
    private let logger: Logger
    private let port = Mutex<Int?>(nil)

    init(configuration: ServiceConfiguration, registryURL: String, readiness: Readiness, logger: Logger) {
        self.configuration = configuration
        self.registryURL = registryURL
        self.readiness = readiness
        self.logger = logger
    }

    /// Called by the server once it listens (the port may have been 0).
    func listening(on port: Int) { self.port.withLock { $0 = port } }

    func run() async throws {
        let client = RegistryClient(baseURL: registryURL)
        let registration = await cancelWhenGracefulShutdown {
            await self.registerWhenReady(client)
        }
        try? await gracefulShutdown()
        guard let registration else { return }
        do {
            try await client.deregister(id: registration.id)
            logger.info("deregistered", metadata: ["registry": .string(registryURL), "id": .string(registration.id)])
        } catch {
            logger.warning("deregistration failed", metadata: ["error": .string("\(error)")])
        }
    }

    private func registerWhenReady(_ client: RegistryClient) async -> InstanceRegistration? {
        while !Task.isCancelled {
            if readiness.hasStarted, let port = port.withLock({ $0 }) {
                let registration = makeRegistration(port: port)
                var delay = Duration.milliseconds(200)
                while !Task.isCancelled {
                    do {
                        try await client.register(registration)
                        logger.info("registered", metadata: ["registry": .string(registryURL), "id": .string(registration.id)])
                        return registration
                    } catch {
                        logger.warning("registration failed; retrying", metadata: ["error": .string("\(error)")])
                        try? await Task.sleep(for: delay)
                        delay = min(delay * 2, .seconds(10))
                    }
                }
                return nil
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    private func makeRegistration(port: Int) -> InstanceRegistration {
        let host = configuration.host
        let address = (host == "0.0.0.0" || host == "::") ? ProcessInfo.processInfo.hostName : host
        return InstanceRegistration(
            id: "\(configuration.serviceName)-\(address)-\(port)",
            name: configuration.serviceName,
            address: address,
            port: port,
            check: .http(url: "http://\(address):\(port)/health/ready", interval: configuration.registryCheckInterval),
            deregisterCriticalAfter: configuration.registryDeregisterAfter
        )
    }
}

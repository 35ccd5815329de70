import FlotillaHTTP
import Foundation
import Hummingbird

/// `/v1/agent/...`: register and deregister instances, report TTL checks, list what is registered.
struct AgentRoutes {
    let registry: Registry
    let node: RegistryNode

    func register(on routes: RouteTable) {
        routes.put("/v1/agent/service/register") { request, context in
            try await ConsulResponse.guarded {
                let replace = try ConsulResponse.flag("replace-existing-checks", in: request)
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                let registration = try ServiceRegistration.parse(Data(body.readableBytesView))
                let now = registry.now()
                try await registry.change { state in
                    ((), state.register(registration, replaceExistingChecks: replace, now: now))
                }
                return ConsulResponse.empty()
            }
        }
        routes.put("/v1/agent/service/deregister/{id}") { request, context in
            try await ConsulResponse.guarded {
                let id = try ConsulResponse.parameter("id", in: context)
                try await registry.change { state throws(ConsulError) in ((), try state.deregister(serviceID: id)) }
                return ConsulResponse.empty()
            }
        }
        for (verb, status) in [("pass", CheckStatus.passing), ("warn", .warning), ("fail", .critical)] {
            routes.put("/v1/agent/check/\(verb)/{id}") { request, context in
                try await ConsulResponse.guarded {
                    let id = try ConsulResponse.parameter("id", in: context)
                    let note = ConsulQuery.value("note", in: request.uri.query) ?? ""
                    let now = registry.now()
                    try await registry.change { state throws(ConsulError) in
                        ((), try state.report(checkID: id, status: status, output: note, now: now))
                    }
                    return ConsulResponse.empty()
                }
            }
        }
        routes.get("/v1/agent/services") { _, _ in
            let node = node
            let services = registry.read { state in
                state.services.mapValues { ConsulShapes.AgentService($0, node: node) }
            }
            return ConsulResponse.json(services)
        }
        routes.get("/v1/agent/checks") { _, _ in
            let node = node
            let checks = registry.read { state in
                state.checks.mapValues { check in
                    ConsulShapes.Check(check, tags: state.services[check.serviceID]?.tags ?? [], node: node)
                }
            }
            return ConsulResponse.json(checks)
        }
    }
}

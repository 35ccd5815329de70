import Foundation

/// Consul's JSON shapes, PascalCase as its clients read them.
enum ConsulShapes {
    struct Weights: Encodable {
        var Passing: Int
        var Warning: Int
        init(_ weights: ServiceInstance.Weights) {
            Passing = weights.passing
            Warning = weights.warning
        }
    }

    /// `/v1/agent/services` values and the `Service` of `/v1/health/service` entries.
    struct AgentService: Encodable {
        var ID, Service: String
        var Tags: [String]
        var Meta: [String: String]
        var Port: Int
        var Address: String
        var Weights: ConsulShapes.Weights
        var EnableTagOverride: Bool
        var Datacenter: String
        var CreateIndex, ModifyIndex: UInt64

        init(_ service: ServiceInstance, node: RegistryNode) {
            ID = service.id
            Service = service.name
            Tags = service.tags
            Meta = service.meta
            Port = service.port
            Address = service.address
            Weights = .init(service.weights)
            EnableTagOverride = service.enableTagOverride
            Datacenter = node.datacenter
            CreateIndex = service.createIndex
            ModifyIndex = service.modifyIndex
        }
    }

    struct CheckDefinition: Encodable {
        var HTTP, Method, TCP: String?
        var Interval, Timeout, TTL, DeregisterCriticalServiceAfter: String?

        init(_ check: HealthCheck) {
            switch check.kind {
            case .ttl(let ttl): TTL = GoDuration.format(ttl)
            case .http(let probe):
                HTTP = probe.url
                Method = probe.method
                Interval = GoDuration.format(probe.interval)
                Timeout = GoDuration.format(probe.timeout)
            case .tcp(let address, let interval, let timeout):
                TCP = address
                Interval = GoDuration.format(interval)
                Timeout = GoDuration.format(timeout)
            }
            DeregisterCriticalServiceAfter = check.deregisterCriticalServiceAfter.map(GoDuration.format)
        }
    }

    /// A health check as `/v1/agent/checks`, `/v1/health/checks` and `/v1/health/state` show it.
    struct Check: Encodable {
        var Node, CheckID, Name, Status, Notes, Output, ServiceID, ServiceName: String
        var ServiceTags: [String]
        var `Type`: String
        var Definition: CheckDefinition?
        var CreateIndex, ModifyIndex: UInt64

        init(_ check: HealthCheck, tags: [String], node: RegistryNode) {
            Node = node.name
            CheckID = check.id
            Name = check.name
            Status = check.state.status.rawValue
            Notes = check.notes
            Output = check.state.output
            ServiceID = check.serviceID
            ServiceName = check.serviceName
            ServiceTags = tags
            `Type` = check.kind.typeName
            Definition = CheckDefinition(check)
            CreateIndex = check.createIndex
            ModifyIndex = check.modifyIndex
        }

        /// The node's own `serfHealth` check, always passing.
        static func serfHealth(node: RegistryNode) -> Check {
            var check = Check(
                HealthCheck(
                    id: "serfHealth",
                    name: "Serf Health Status",
                    notes: "",
                    serviceID: "",
                    serviceName: "",
                    kind: .ttl(ttl: .zero),
                    deregisterCriticalServiceAfter: nil,
                    state: .init(kind: .ttl(ttl: .zero), status: .passing, now: Date(timeIntervalSince1970: 0)),
                    initialStatus: .passing,
                    createIndex: 1,
                    modifyIndex: 1
                ),
                tags: [],
                node: node
            )
            check.Output = "Agent alive and reachable"
            check.`Type` = ""
            check.Definition = nil
            return check
        }
    }

    struct TaggedAddresses: Encodable {
        var lan, wan: String
    }

    /// The `Node` of `/v1/health/service` entries.
    struct Node: Encodable {
        var ID, Node, Address, Datacenter: String
        var TaggedAddresses: ConsulShapes.TaggedAddresses
        var Meta: [String: String]
        var CreateIndex, ModifyIndex: UInt64

        init(_ node: RegistryNode) {
            ID = node.id
            self.Node = node.name
            Address = node.address
            Datacenter = node.datacenter
            TaggedAddresses = .init(lan: node.address, wan: node.address)
            Meta = ["consul-network-segment": ""]
            CreateIndex = 1
            ModifyIndex = 1
        }
    }

    /// One entry of `/v1/catalog/service/{name}`.
    struct CatalogService: Encodable {
        var ID, Node, Address, Datacenter: String
        var TaggedAddresses: ConsulShapes.TaggedAddresses
        var NodeMeta: [String: String]
        var ServiceKind, ServiceID, ServiceName: String
        var ServiceTags: [String]
        var ServiceAddress: String
        var ServiceWeights: ConsulShapes.Weights
        var ServiceMeta: [String: String]
        var ServicePort: Int
        var ServiceEnableTagOverride: Bool
        var CreateIndex, ModifyIndex: UInt64

        init(_ service: ServiceInstance, node: RegistryNode) {
            ID = node.id
            Node = node.name
            Address = node.address
            Datacenter = node.datacenter
            TaggedAddresses = .init(lan: node.address, wan: node.address)
            NodeMeta = ["consul-network-segment": ""]
            ServiceKind = ""
            ServiceID = service.id
            ServiceName = service.name
            ServiceTags = service.tags
            ServiceAddress = service.address
            ServiceWeights = .init(service.weights)
            ServiceMeta = service.meta
            ServicePort = service.port
            ServiceEnableTagOverride = service.enableTagOverride
            CreateIndex = service.createIndex
            ModifyIndex = service.modifyIndex
        }
    }

    /// One entry of `/v1/health/service/{name}`.
    struct ServiceEntry: Encodable {
        var Node: ConsulShapes.Node
        var Service: ConsulShapes.AgentService
        var Checks: [ConsulShapes.Check]
    }

    /// One key of `/v1/kv/{key}`, its value in base64 (`null` when empty).
    struct KVPair: Encodable {
        var entry: KVEntry

        enum CodingKeys: String, CodingKey {
            case LockIndex, Key, Flags, Value, CreateIndex, ModifyIndex
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(0, forKey: .LockIndex)
            try container.encode(entry.key, forKey: .Key)
            try container.encode(entry.flags, forKey: .Flags)
            if let value = entry.value, !value.isEmpty {
                try container.encode(Data(value).base64EncodedString(), forKey: .Value)
            } else {
                try container.encodeNil(forKey: .Value)
            }
            try container.encode(entry.createIndex, forKey: .CreateIndex)
            try container.encode(entry.modifyIndex, forKey: .ModifyIndex)
        }
    }
}

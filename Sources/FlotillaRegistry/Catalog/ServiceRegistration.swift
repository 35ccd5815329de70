import Foundation

/// A validated `PUT /v1/agent/service/register` body: the instance and its check definitions.
///
/// Parsing follows Consul's order and wording: a body that does not decode (bad JSON, a wrong
/// type, a bad duration) is `Request decode failed: …`, then `Missing service name`, then
/// `Invalid check: …`, then the status check. Nothing is applied unless the whole body is valid.
public struct ServiceRegistration: Sendable, Equatable {
    /// The instance to store.
    public var service: ServiceInstance
    /// Its checks, with IDs and names filled in as Consul fills them.
    public var checks: [CheckDefinition]

    /// A check as registered, before it has a state.
    public struct CheckDefinition: Sendable, Equatable {
        public var id: String
        public var name: String
        public var notes: String
        public var kind: CheckKind
        public var status: CheckStatus?
        public var deregisterCriticalServiceAfter: Duration?
    }

    /// Parses and validates a registration body.
    public static func parse(_ body: Data) throws(ConsulError) -> ServiceRegistration {
        let object = try ConsulObject.parse(body, path: "ServiceDefinition")
        let name = try object.string("Name") ?? ""
        let id = try object.string("ID") ?? ""
        let weights = try object.object("Weights")
        var service = ServiceInstance(
            id: id.isEmpty ? name : id,
            name: name,
            tags: try object.strings("Tags") ?? [],
            address: try object.string("Address") ?? "",
            port: try object.int("Port") ?? 0,
            meta: try object.stringMap("Meta") ?? [:],
            weights: .init(passing: try weights?.int("Passing") ?? 1, warning: try weights?.int("Warning") ?? 1),
            enableTagOverride: try object.bool("EnableTagOverride") ?? false
        )
        var raw: [RawCheck] = []
        if let check = try object.object("Check"), !check.isEmpty { raw.append(try RawCheck(check)) }
        for check in try object.objects("Checks") ?? [] { raw.append(try RawCheck(check)) }

        guard !name.isEmpty else { throw ConsulError(.badRequest, "Missing service name") }
        if service.weights.passing < 1 { service.weights.passing = 1 }
        var checks: [CheckDefinition] = []
        for (offset, check) in raw.enumerated() {
            let kind: CheckKind
            do { kind = try check.validatedKind() } catch { throw ConsulError(.badRequest, "Invalid check: \(error.message)") }
            var checkID = check.id
            if checkID.isEmpty {
                checkID = "service:\(service.id)" + (raw.count > 1 ? ":\(offset + 1)" : "")
            }
            checks.append(
                .init(
                    id: checkID,
                    name: check.name.isEmpty ? "Service '\(service.name)' check" : check.name,
                    notes: check.notes,
                    kind: kind,
                    status: nil,
                    deregisterCriticalServiceAfter: check.deregisterAfter.flatMap { $0 > .zero ? $0 : nil }
                )
            )
        }
        for (offset, check) in raw.enumerated() where !check.status.isEmpty {
            guard let status = CheckStatus(rawValue: check.status), CheckStatus.registrable.contains(status) else {
                throw ConsulError(.badRequest, "Status for checks must 'passing', 'warning', 'critical'")
            }
            checks[offset].status = status
        }
        return ServiceRegistration(service: service, checks: checks)
    }
}

/// A check object as decoded, before validation.
private struct RawCheck {
    struct Invalid: Error { var message: String }

    var id, name, notes, status, http, method, tcp, body: String
    var header: [String: [String]]
    var interval, timeout, ttl, deregisterAfter: Duration?

    init(_ object: ConsulObject) throws(ConsulError) {
        let checkID = try object.string("CheckID") ?? ""
        id = checkID.isEmpty ? try object.string("ID") ?? "" : checkID
        name = try object.string("Name") ?? ""
        notes = try object.string("Notes") ?? ""
        status = try object.string("Status") ?? ""
        http = try object.string("HTTP") ?? ""
        method = try object.string("Method") ?? ""
        tcp = try object.string("TCP") ?? ""
        body = try object.string("Body") ?? ""
        header = try object.stringListMap("Header") ?? [:]
        interval = try object.duration("Interval")
        timeout = try object.duration("Timeout")
        ttl = try object.duration("TTL")
        deregisterAfter = try object.duration("DeregisterCriticalServiceAfter")
    }

    /// Consul's `CheckType.Validate`, for the check types the registry runs.
    func validatedKind() throws(Invalid) -> CheckKind {
        let interval = self.interval ?? .zero
        let ttl = self.ttl ?? .zero
        let intervalCheck = !http.isEmpty || !tcp.isEmpty
        if interval > .zero && ttl > .zero { throw Invalid(message: "Interval and TTL cannot both be specified") }
        if intervalCheck && interval <= .zero {
            throw Invalid(message: "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or GRPC checks")
        }
        if !intervalCheck && ttl <= .zero { throw Invalid(message: "TTL must be > 0 for TTL checks") }
        let timeout = (self.timeout ?? .zero) > .zero ? self.timeout! : .seconds(10)
        if !http.isEmpty {
            guard let url = URL(string: http), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw Invalid(message: "HTTP check URL \(http) is not a valid http or https URL")
            }
            let probe = CheckKind.HTTPProbe(
                url: http,
                method: method.isEmpty ? "GET" : method.uppercased(),
                header: header,
                body: body,
                interval: interval,
                timeout: timeout
            )
            return .http(probe)
        }
        if !tcp.isEmpty { return .tcp(address: tcp, interval: interval, timeout: timeout) }
        return .ttl(ttl: ttl)
    }
}

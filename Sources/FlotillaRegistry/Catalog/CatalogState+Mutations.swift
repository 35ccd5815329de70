import Foundation

extension CatalogState {
    /// Registers (or re-registers) an instance with its checks.
    ///
    /// A re-registered check keeps its status and output unless the registration gives a status;
    /// with `replaceExistingChecks` the instance's checks not in `registration` are removed.
    public mutating func register(_ registration: ServiceRegistration, replaceExistingChecks: Bool, now: Date) -> Changes {
        let index = nextIndex()
        var changes = Changes()
        var service = registration.service
        let previous = services[service.id]
        service.createIndex = previous?.createIndex ?? index
        service.modifyIndex = index
        if let previous, previous.name != service.name {
            instancesByName[previous.name]?.remove(previous.id)
            changes.names.insert(previous.name)
        }
        services[service.id] = service
        instancesByName[service.name, default: []].insert(service.id)
        changes.services.insert(service.id)
        changes.names.insert(service.name)

        let newIDs = Set(registration.checks.map(\.id))
        var kept = checksByService[service.id] ?? []
        if replaceExistingChecks {
            for id in kept where !newIDs.contains(id) {
                checks[id] = nil
                changes.checks.insert(id)
            }
            kept.removeAll { !newIDs.contains($0) }
        }
        for definition in registration.checks {
            if let owner = checks[definition.id]?.serviceID, owner != service.id {
                checksByService[owner]?.removeAll { $0 == definition.id }
            }
            var state = CheckState(kind: definition.kind, status: definition.status, now: now)
            if definition.status == nil, let old = checks[definition.id] { state.inherit(old.state) }
            checks[definition.id] = HealthCheck(
                id: definition.id,
                name: definition.name,
                notes: definition.notes,
                serviceID: service.id,
                serviceName: service.name,
                kind: definition.kind,
                deregisterCriticalServiceAfter: definition.deregisterCriticalServiceAfter,
                state: state,
                initialStatus: definition.status,
                createIndex: checks[definition.id]?.createIndex ?? index,
                modifyIndex: index
            )
            noteDeadline(of: checks[definition.id]!)
            if !kept.contains(definition.id) { kept.append(definition.id) }
            changes.checks.insert(definition.id)
        }
        // Other checks of the instance carry the service's new name and tags.
        for id in kept where !newIDs.contains(id) {
            checks[id]?.serviceName = service.name
            checks[id]?.modifyIndex = index
            changes.checks.insert(id)
        }
        checksByService[service.id] = kept
        touchNames(changes.names, at: index)
        return changes
    }

    /// Removes an instance and its checks; 404 when the ID is unknown.
    public mutating func deregister(serviceID: String) throws(ConsulError) -> Changes {
        guard services[serviceID] != nil else { throw .unknownService(serviceID) }
        return removeInstance(serviceID)
    }

    /// Removes an instance known to exist.
    mutating func removeInstance(_ serviceID: String) -> Changes {
        guard let service = services.removeValue(forKey: serviceID) else { return Changes() }
        let index = nextIndex()
        var changes = Changes(services: [serviceID], names: [service.name])
        instancesByName[service.name]?.remove(serviceID)
        if instancesByName[service.name]?.isEmpty == true { instancesByName[service.name] = nil }
        for id in checksByService.removeValue(forKey: serviceID) ?? [] {
            checks[id] = nil
            changes.checks.insert(id)
        }
        touchNames(changes.names, at: index)
        return changes
    }

    /// A TTL check's report (`/v1/agent/check/pass|warn|fail/{id}`); 404 for an unknown check.
    public mutating func report(checkID: String, status: CheckStatus, output: String, now: Date) throws(ConsulError) -> Changes {
        guard var check = checks[checkID] else { throw .unknownCheck(checkID) }
        guard case .ttl = check.kind else {
            throw ConsulError(.internalServerError, "CheckID \"\(checkID)\" does not have associated TTL")
        }
        let before = check.state
        check.state.report(status, output: output, kind: check.kind, now: now)
        return apply(check, changed: before.status != check.state.status || before.output != check.state.output)
    }

    /// The result of running an interval check; only a change of status bumps the index.
    public mutating func recordResult(checkID: String, status: CheckStatus, output: String, now: Date) -> Changes {
        guard var check = checks[checkID] else { return Changes() }
        let changed = check.state.set(status, output: output, now: now)
        return apply(check, changed: changed)
    }

    /// Stores `check`; when `changed`, under a new index.
    mutating func apply(_ check: HealthCheck, changed: Bool) -> Changes {
        var check = check
        noteDeadline(of: check)
        guard changed else {
            checks[check.id] = check
            return Changes()
        }
        let index = nextIndex()
        check.modifyIndex = index
        checks[check.id] = check
        touchNames([check.serviceName], at: index)
        return Changes(checks: [check.id], names: [check.serviceName])
    }
}

extension CatalogState {
    /// The index a read of service `name` reports (the catalog's when the name was never seen).
    public func index(forService name: String) -> UInt64 {
        nameIndex[name] ?? catalogIndex
    }

    /// The instances of `name`, sorted by ID, optionally only those carrying every tag in `tags`.
    public func instances(of name: String, tags: [String] = []) -> [ServiceInstance] {
        (instancesByName[name] ?? []).compactMap { services[$0] }
            .filter { instance in tags.allSatisfy(instance.tags.contains) }
            .sorted { $0.id < $1.id }
    }

    /// The checks of instance `serviceID`, in registration order.
    public func checks(ofInstance serviceID: String) -> [HealthCheck] {
        (checksByService[serviceID] ?? []).compactMap { checks[$0] }
    }

    /// Every check of every instance of `name`.
    public func checks(ofService name: String) -> [HealthCheck] {
        instances(of: name).flatMap { checks(ofInstance: $0.id) }
    }

    /// Every service name with the union of its instances' tags.
    public func serviceNames() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, ids) in instancesByName where !ids.isEmpty {
            var tags: [String] = []
            for id in ids.sorted() {
                for tag in services[id]?.tags ?? [] where !tags.contains(tag) { tags.append(tag) }
            }
            result[name] = tags.sorted()
        }
        return result
    }

    /// Every check sorted by ID, optionally only those in `status`.
    public func checks(in status: CheckStatus?) -> [HealthCheck] {
        checks.values.filter { status == nil || $0.state.status == status }.sorted { $0.id < $1.id }
    }
}

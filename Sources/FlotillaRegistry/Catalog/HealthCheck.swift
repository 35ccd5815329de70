/// One health check bound to a service instance, with its live state.
public struct HealthCheck: Sendable, Equatable, Codable {
    /// The check ID (`service:<id>` by default).
    public var id: String
    /// The check's name.
    public var name: String
    /// Free-form notes.
    public var notes: String
    /// The instance the check belongs to.
    public var serviceID: String
    /// That instance's service name.
    public var serviceName: String
    /// What the check does.
    public var kind: CheckKind
    /// Remove the instance once the check has been critical this long.
    public var deregisterCriticalServiceAfter: Duration?
    /// Status, output and timers.
    public var state: CheckState
    /// The status asked for at registration, if any.
    public var initialStatus: CheckStatus?
    /// The index that created the check.
    public var createIndex: UInt64 = 0
    /// The index that last changed it.
    public var modifyIndex: UInt64 = 0
}

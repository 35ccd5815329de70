/// A health check's status, as Consul spells it.
public enum CheckStatus: String, Sendable, Codable, CaseIterable {
    case passing, warning, critical, maintenance

    /// The statuses a registration may give a new check (Consul's `ValidStatus`).
    public static let registrable: Set<CheckStatus> = [.passing, .warning, .critical]
}

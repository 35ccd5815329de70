/// How log lines are written: JSON lines for machines, readable text for people.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line (the default when stdout is not a terminal).
    case json
    /// `2026-11-27T15:00:00Z info user-service: message key=value` (the default on a terminal).
    case text
}

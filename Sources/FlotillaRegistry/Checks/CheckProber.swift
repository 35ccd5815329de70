/// Runs one HTTP or TCP check attempt and says what it found (swapped for a fake in tests).
public protocol CheckProber: Sendable {
    /// The status and output of one attempt of `kind`; never throws, a failure is `critical`.
    func probe(_ kind: CheckKind) async -> (status: CheckStatus, output: String)
}

extension CircuitBreakerConfiguration {
    /// Returns a copy where errors matching `predicate` count as successes (pybreaker's `exclude`);
    /// other errors keep their previous classification.
    public func excluding(_ predicate: @escaping @Sendable (any Error) -> Bool) -> CircuitBreakerConfiguration {
        var copy = self
        let previous = classifyError
        copy.classifyError = { error in predicate(error) ? .success : previous(error) }
        return copy
    }

    /// Returns a copy where errors matching `predicate` are ignored (neither success nor failure).
    public func ignoring(_ predicate: @escaping @Sendable (any Error) -> Bool) -> CircuitBreakerConfiguration {
        var copy = self
        let previous = classifyError
        copy.classifyError = { error in predicate(error) ? .ignored : previous(error) }
        return copy
    }
}

extension KeyedDecodingContainer {
    /// Decodes a duration given as a number of seconds (`0.25`) or a Go-style string (`"250ms"`);
    /// a malformed value throws ``PolicyConfigurationError`` naming the field.
    public func decodeDurationIfPresent(forKey key: Key) throws -> Duration? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let seconds = try? decode(Double.self, forKey: key) {
            guard seconds.isFinite, abs(seconds) < 9e9 else {
                throw PolicyConfigurationError(field: fieldPath(key), message: "\(seconds) is not a valid number of seconds")
            }
            return .secondsDouble(seconds)
        }
        if let text = try? decode(String.self, forKey: key) {
            if let duration = DurationParser.parse(text) { return duration }
            if let seconds = Double(text) { return .secondsDouble(seconds) }
            throw PolicyConfigurationError(field: fieldPath(key), message: "\"\(text)\" is not a duration (e.g. 250ms, 5s, 1m30s)")
        }
        throw PolicyConfigurationError(field: fieldPath(key), message: "is not a duration (a number of seconds or a string like \"250ms\")")
    }

    /// The dotted path of `key`, e.g. `payments.retry.baseDelay`.
    public func fieldPath(_ key: Key) -> String {
        (codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

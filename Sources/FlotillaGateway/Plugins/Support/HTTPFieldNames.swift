import HTTPTypes

/// Header names from configuration.
enum HTTPFieldNames {
    /// The field name for `text`, nil when it is not a valid token.
    static func make(_ text: String) -> HTTPField.Name? { text.isEmpty ? nil : HTTPField.Name(text) }
}

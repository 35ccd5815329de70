import Yams

extension YAMLField {
    /// Decodes the node as `type`; a decoding error becomes one line naming the exact field and its line
    /// (`consumers[0].jwt_secrets[1].secret: required for HS256`), not the entry that contains it.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: node)
        } catch let error as DecodingError {
            throw configurationError(for: error)
        }
    }

    /// The configuration error for a decoding error raised while decoding this node.
    func configurationError(for error: DecodingError) -> GatewayConfigurationError {
        switch error {
        case .keyNotFound(let key, let context):
            let container = descendant(context.codingPath)
            let missing = descendant(context.codingPath + [key])
            let message = context.debugDescription.hasPrefix("No value associated") ? "is required" : context.debugDescription
            return GatewayConfigurationError(file: file, line: missing.line ?? container.line ?? line, field: missing.path, message: message)
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = descendant(context.codingPath)
            return GatewayConfigurationError(file: file, line: field.line ?? line, field: field.path, message: context.debugDescription)
        @unknown default:
            return self.error("\(error)")
        }
    }

    /// The path (and, where the node exists, the line) reached by following `codingPath` from this node.
    private func descendant(_ codingPath: [any CodingKey]) -> (path: String, line: Int?) {
        var path = self.path
        var current: Node? = node
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
                current = current?.sequence.flatMap { index < $0.count ? $0[index] : nil }
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
                current = current?.mapping?[key.stringValue]
            }
        }
        return (path, current?.mark?.line)
    }
}

import HTTPTypes

/// Where Kong's jwt plugin looks for a token: the `uri_param_names` query parameters, then `cookie_names`
/// cookies, then `header_names` headers holding `Bearer <token>`.
enum JWTTokenLocator {
    enum Found: Equatable {
        case none
        case multiple
        case unrecognizable
        case token(String)
    }

    static func find(in request: HTTPRequest, configuration: JWTPluginConfiguration) -> Found {
        if !configuration.uriParamNames.isEmpty, let path = request.path, path.utf8.contains(UInt8(ascii: "?")) {
            let target = RequestTarget(path)
            for name in configuration.uriParamNames {
                let values = target.values(of: name)
                if values.count > 1 { return .multiple }
                if let value = values.first { return .token(value) }
            }
        }
        if !configuration.cookieNames.isEmpty {
            let cookieHeaders = request.headerFields[values: .cookie]
            for name in configuration.cookieNames {
                if let value = Cookies.value(name, in: cookieHeaders), !value.isEmpty { return .token(value) }
            }
        }
        for field in configuration.headerFields {
            guard let value = singleOrCombinedValue(of: field, in: request.headerFields) else { continue }
            if let token = bearerToken(value) { return .token(token) }
        }
        return .none
    }

    /// The field's value as `headerFields[name]` gives it, without joining (and copying) when there is one field.
    private static func singleOrCombinedValue(of name: HTTPField.Name, in fields: HTTPFields) -> String? {
        var found: String?
        for field in fields where field.name == name {
            if found != nil { return fields[name] }
            found = field.value
        }
        return found
    }

    /// The token in `value` as Kong's pattern `\s*[Bb]earer\s+(.+)` finds it (anywhere in the value).
    static func bearerToken(_ value: String) -> String? {
        // The usual shape, `Bearer <token>` with one space and no line break, without copying the bytes.
        let usual = value.utf8.withContiguousStorageIfAvailable { utf8 -> String? in
            usualBearerToken(UnsafeRawBufferPointer(utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        if let usual, let token = usual { return token }
        let bytes = Array(value.utf8)
        var index = 0
        let word = Array("earer".utf8)
        while index + 7 <= bytes.count {
            if bytes[index] == UInt8(ascii: "B") || bytes[index] == UInt8(ascii: "b"),
                bytes[(index + 1)..<(index + 6)].elementsEqual(word)
            {
                var cursor = index + 6
                while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
                if cursor > index + 6, cursor < bytes.count {
                    let end = bytes[cursor...].firstIndex(where: { $0 == UInt8(ascii: "\n") }) ?? bytes.count
                    // `\s+` is greedy but must leave one character for `(.+)`.
                    return String(decoding: bytes[cursor..<end], as: UTF8.self)
                }
            }
            index += 1
        }
        return nil
    }

    /// The token of a value in the usual shape, `Bearer <token>` with one space and no line break; nil for any other
    /// (which ``bearerToken(_:)`` reads as Kong's pattern does).
    static func usualBearerToken(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard value.count > 7, value.starts(with: "Bearer ".utf8), !isSpace(value[7]), !value.contains(UInt8(ascii: "\n")) else { return nil }
        return UnsafeRawBufferPointer(rebasing: value[7...])
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}

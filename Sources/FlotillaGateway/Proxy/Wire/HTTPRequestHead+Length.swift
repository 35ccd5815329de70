import NIOHTTP1

extension HTTPRequestHead {
    /// The head's length as HTTP/1.1 writes it (`METHOD SP target SP HTTP/x.y CRLF`, each field as `name: value CRLF`,
    /// then CRLF): what the client sent, give or take optional whitespace the parser dropped. Kong's `request_length`
    /// counts the head this way, plus the body.
    var serializedLength: Int {
        var length = method.rawValue.utf8.count + 1 + uri.utf8.count + 1 + 8 + 2 + 2
        for (name, value) in headers { length += name.utf8.count + 2 + value.utf8.count + 2 }
        return length
    }
}

extension KeyedDecodingContainer {
    /// Decodes an integer, reporting a number that is not one (`19.99`, or too large) as a type mismatch at
    /// its key. Foundation's JSONDecoder on Linux throws an internal error there, which reaches the top as
    /// "The given data was not valid JSON" with no coding path, so the client would not learn the field.
    func decodeInteger<T: FixedWidthInteger & Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        do {
            return try decode(T.self, forKey: key)
        } catch let error as DecodingError {
            throw error
        } catch {
            let context = DecodingError.Context(codingPath: codingPath + [key], debugDescription: "expected an integer")
            throw DecodingError.typeMismatch(T.self, context)
        }
    }
}

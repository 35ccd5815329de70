import Crypto
import FlotillaHTTP
import Foundation

/// Seals card details with AES-GCM so the saga log never holds them in the clear.
///
/// The saga needs the card after a crash (recovery re-runs an unfinished charge), so it is kept, sealed,
/// until the charge step ends; the charge step then drops it from the saga's data.
struct CardSealer: Sendable {
    /// The key, loaded (or generated) during start-up.
    let key: StartupValue<SymmetricKey>

    /// A sealed card: base64 of AES-GCM's combined nonce, ciphertext and tag.
    func seal(_ card: CardDetails) throws -> String {
        let plain = try JSONEncoder().encode(card)
        guard let combined = try AES.GCM.seal(plain, using: try key.get()).combined else { throw CardSealError() }
        return combined.base64EncodedString()
    }

    /// The card inside `sealed`.
    func open(_ sealed: String) throws -> CardDetails {
        guard let data = Data(base64Encoded: sealed) else { throw CardSealError() }
        let box = try AES.GCM.SealedBox(combined: data)
        return try JSONDecoder().decode(CardDetails.self, from: try AES.GCM.open(box, using: try key.get()))
    }
}

/// A sealed card could not be opened (another key, or damaged data).
struct CardSealError: Error, CustomStringConvertible {
    var description: String { "the sealed card details cannot be opened with this service's key" }
}

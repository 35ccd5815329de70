/// Carrier tracking ids: `FLT` followed by 12 random capitals and digits (no 0/O or 1/I to misread).
enum TrackingID {
    private static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "FLT" + String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

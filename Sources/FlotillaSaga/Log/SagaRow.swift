import Foundation

/// One row of `flotilla_sagas`: the record with its data and steps as JSON and times as Unix milliseconds.
struct SagaRow: Codable, Sendable {
    var id: String
    var definition: String
    var status: String
    var reason: String?
    var data: String
    var steps: String
    var deadlineMS: Int64
    var createdMS: Int64
    var updatedMS: Int64

    enum CodingKeys: String, CodingKey {
        case id, definition, status, reason, data, steps
        case deadlineMS = "deadline_ms"
        case createdMS = "created_ms"
        case updatedMS = "updated_ms"
    }

    init<Value: Codable & Sendable>(_ record: SagaRecord<Value>) throws {
        id = record.id
        definition = record.definitionName
        status = record.status.rawValue
        reason = record.reason
        data = try String(decoding: Self.encoder.encode(record.data), as: UTF8.self)
        steps = try String(decoding: Self.encoder.encode(record.steps), as: UTF8.self)
        deadlineMS = Self.milliseconds(record.deadline)
        createdMS = Self.milliseconds(record.createdAt)
        updatedMS = Self.milliseconds(record.updatedAt)
    }

    func record<Value: Codable & Sendable>(as: Value.Type) throws -> SagaRecord<Value> {
        guard let status = SagaStatus(rawValue: status) else {
            throw SagaLogError(description: "saga \(id) has an unknown status \(self.status)")
        }
        return SagaRecord(
            id: id,
            definitionName: definition,
            status: status,
            reason: reason,
            data: try Self.decoder.decode(Value.self, from: Data(data.utf8)),
            steps: try Self.decoder.decode([SagaStepRecord].self, from: Data(steps.utf8)),
            createdAt: Self.date(createdMS),
            updatedAt: Self.date(updatedMS),
            deadline: Self.date(deadlineMS)
        )
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}

/// The saga log holds something this build cannot read.
public struct SagaLogError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
}

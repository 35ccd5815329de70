import HTTPTypes
import NIOHTTP1

/// Request header fields as name/value strings, whether NIO parsed them (`HTTPHeaders`) or plugins changed them
/// (`HTTPFields`), so the upstream head is written from either without converting one into the other.
protocol RequestFieldList {
    var fieldCount: Int { get }
    func forEachField(_ body: (String, String) -> Void)
}

extension HTTPHeaders: RequestFieldList {
    var fieldCount: Int { count }

    func forEachField(_ body: (String, String) -> Void) {
        for (name, value) in self { body(name, value) }
    }
}

extension HTTPFields: RequestFieldList {
    var fieldCount: Int { count }

    func forEachField(_ body: (String, String) -> Void) {
        for field in self { body(field.name.rawName, field.value) }
    }
}

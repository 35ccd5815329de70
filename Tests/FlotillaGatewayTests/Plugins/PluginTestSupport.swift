import FlotillaGateway
import FlotillaTesting
import Foundation
import HTTPTypes
import NIOCore
import Yams

/// Builders for plugin unit tests: exchanges, YAML config nodes, Kong bodies.
enum PluginTest {
    static func exchange(
        _ path: String = "/orders",
        method: HTTPRequest.Method = .get,
        headers: [(String, String)] = [],
        client: String = "10.0.0.1",
        bodyLength: Int? = nil,
        route: String? = "orders-route",
        service: String? = "orders"
    ) -> GatewayExchange {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let request = HTTPRequest(method: method, scheme: "http", authority: "gateway.test", path: path, headerFields: fields)
        return GatewayExchange(
            request: request,
            clientAddress: client,
            declaredBodyLength: bodyLength,
            routeName: route,
            serviceName: service
        )
    }

    /// The YAML node of `text` (nil for an empty string).
    static func config(_ text: String) throws -> Yams.Node? {
        text.isEmpty ? nil : try Yams.compose(yaml: text)
    }

    static func consumers(_ yaml: String) throws -> ConsumerDirectory {
        ConsumerDirectory(try YAMLDecoder().decode([GatewayConsumer].self, from: yaml))
    }

    static func factory(
        consumers: ConsumerDirectory = ConsumerDirectory([]),
        services: PluginServices = PluginServices()
    )
        -> GatewayPluginFactory
    {
        GatewayPluginFactory(consumers: consumers, services: services)
    }

    static func body(_ response: GatewayPluginResponse?) -> String {
        guard let response else { return "" }
        return String(buffer: response.body)
    }

    static func header(_ fields: HTTPFields, _ name: String) -> String? { fields[HTTPField.Name(name)!] }

    /// The configuration error's text when `make` throws one, nil otherwise.
    static func configurationError(_ name: String, _ yaml: String, consumers: ConsumerDirectory = ConsumerDirectory([])) -> String? {
        do {
            _ = try factory(consumers: consumers).make(name: name, config: try config(yaml))
            return nil
        } catch let error as GatewayPluginConfigurationError {
            return error.description
        } catch {
            return "\(error)"
        }
    }
}

/// Runs Python with PyJWT (`pip install 'pyjwt[crypto]'`, done by .ci/run) to mint tokens and make keys with a
/// library other than the gateway's verifier.
enum PyJWT {
    static let script = #"""
        import sys, json, jwt
        from cryptography.hazmat.primitives.asymmetric import rsa, ec
        from cryptography.hazmat.primitives import serialization
        spec = json.loads(sys.argv[1])
        def pems(key):
            private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
            public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            return {"private": private, "public": public}
        if spec["op"] == "keys":
            out = {}
            for name in ["rsa", "rsa_other"]:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                out[name] = pems(key)
                j = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
                out[name]["jwk"] = {"kty": "RSA", "n": j["n"], "e": j["e"]}
            out["ec"] = pems(ec.generate_private_key(ec.SECP256R1()))
            print(json.dumps(out))
        else:
            tokens = []
            for t in spec["tokens"]:
                key = t.get("key")
                tokens.append(jwt.encode(t["payload"], key, algorithm=t["alg"], headers=t.get("headers")))
            print(json.dumps(tokens))
        """#

    struct Keys: Decodable {
        struct Pair: Decodable {
            var `private`: String
            var `public`: String
        }
        var rsa: Pair
        var rsaOther: Pair
        var ec: Pair
        var rsaJWK: [String: String]
        var rsaOtherJWK: [String: String]

        enum CodingKeys: String, CodingKey { case rsa, rsaOther = "rsa_other", ec }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rsa = try c.decode(Pair.self, forKey: .rsa)
            rsaOther = try c.decode(Pair.self, forKey: .rsaOther)
            ec = try c.decode(Pair.self, forKey: .ec)
            struct WithJWK: Decodable { var jwk: [String: String] }
            rsaJWK = try c.decode(WithJWK.self, forKey: .rsa).jwk
            rsaOtherJWK = try c.decode(WithJWK.self, forKey: .rsaOther).jwk
        }
    }

    /// One token to mint: claims, signing key (nil for `none`), algorithm, extra header fields.
    struct Spec: Encodable {
        var payload: [String: JSONScalar]
        var key: String?
        var alg: String
        var headers: [String: String]?
    }

    /// A JSON string, number or boolean claim.
    enum JSONScalar: Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case number(Double)
        case bool(Bool)

        init(stringLiteral value: String) { self = .string(value) }
        init(integerLiteral value: Int) { self = .number(Double(value)) }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .number(let n):
                if n.rounded() == n { try c.encode(Int64(n)) } else { try c.encode(n) }
            case .bool(let b): try c.encode(b)
            }
        }
    }

    /// Runs the script for `spec` without holding a thread of the cooperative pool while Python runs.
    static func run(_ spec: some Encodable) async throws -> Data {
        lastLine(try await Command.run("/usr/bin/env", ["python3", "-c", script, try json(spec)]))
    }

    private static func json(_ spec: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
    }

    private static func lastLine(_ output: String) -> Data {
        Data((output.split(separator: "\n").last.map(String.init) ?? "").utf8)
    }

    /// Keys made once per test process, by a task: a test waiting for them holds no thread (a `static let` made
    /// synchronously held every test that reached it on the cooperative pool's few threads while Python made them).
    private static let keysTask = Task { try await keys() }

    /// The keys made once per test process.
    static func sharedKeys() async throws -> Keys { try await keysTask.value }

    static func keys() async throws -> Keys {
        struct Op: Encodable { var op = "keys" }
        return try JSONDecoder().decode(Keys.self, from: await run(Op()))
    }

    static func mint(_ specs: [Spec]) async throws -> [String] {
        struct Op: Encodable {
            var op = "tokens"
            var tokens: [Spec]
        }
        return try JSONDecoder().decode([String].self, from: await run(Op(tokens: specs)))
    }

    static func mint(_ spec: Spec) async throws -> String { try await mint([spec])[0] }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}

import Testing

@testable import FlotillaGateway

@Suite("Configuration errors name file, line and field")
struct ConfigurationErrorTests {
    private func error(_ text: String) -> String {
        do {
            _ = try GatewayConfigurationLoader.parse(text, file: "gateway.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "each bad input gives one line with the file, the line and the field",
        arguments: [
            (
                "services:\n  - name: a\n    url: http://a:80\n    retries: lots\n",
                "gateway.yaml:4: services[0].retries: expected an integer"
            ),
            (
                "services:\n  - name: a\n    url: http://a:80\n    routes:\n      - name: r\n        paths: [api]\n",
                "gateway.yaml:6: services[0].routes[0].paths[0]: must start with / (or ~ for a regex)"
            ),
            (
                "services:\n  - name: a\n    url: http://a:80\n    routes:\n      - name: r\n        paths: [/a]\n        strip_paht: true\n",
                "gateway.yaml:7: services[0].routes[0].strip_paht: unknown field"
            ),
            (
                "services:\n  - name: a\n    url: ftp://a\n",
                "gateway.yaml:3: services[0].url: only http upstreams are supported"
            ),
            (
                "services:\n  - name: a\n    url: http://a:80\n    routes:\n      - paths: [\"~/a/(\"]\n",
                "gateway.yaml:5: services[0].routes[0].paths[0]: invalid regex"
            ),
            (
                "apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  host: x\n  trafficPolicy:\n    loadBalancer:\n      simple: FASTEST\n",
                "gateway.yaml:8: spec.trafficPolicy.loadBalancer.simple: expected ROUND_ROBIN"
            ),
            (
                "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n    - route:\n        - destination: {host: a}\n          weight: 60\n        - destination: {host: b}\n          weight: 30\n",
                "gateway.yaml:8: spec.http[0].route: weights add up to 90, expected 100"
            ),
            (
                "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n    - timeout: soon\n      route:\n        - destination: {host: a}\n",
                "gateway.yaml:7: spec.http[0].timeout: expected a duration"
            ),
            ("services:\n  - name: a\n    url: http://a:80\n   bad: [\n", "gateway.yaml:"),
            ("_format_version: \"9.9\"\n", "gateway.yaml:1: _format_version: unsupported version \"9.9\""),
        ]
    )
    func badInput(text: String, expected: String) {
        let message = error(text)
        #expect(message.hasPrefix(expected), "got: \(message)")
        #expect(!message.contains("\n"))
    }

    @Test("a subset no DestinationRule defines is rejected")
    func unknownSubset() {
        let text = """
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: x}
            spec:
              hosts: [x]
              http:
                - route:
                    - destination: {host: x, subset: v9}
            """
        #expect(error(text).contains("no DestinationRule defines subset \"v9\""))
    }
}

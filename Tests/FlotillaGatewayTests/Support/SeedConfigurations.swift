/// The seed's YAML, copied verbatim from /work/shared/seed/microservices-and-containerization.md: the gateway must
/// load it unmodified.
enum SeedConfigurations {
    /// "API Gateway Pattern": Kong with rate-limiting and jwt.
    static let kong = #"""
        # Kong API Gateway Configuration
        services:
          - name: user-service
            url: http://user-service:8080
            routes:
              - name: user-route
                paths:
                  - /api/users
                methods:
                  - GET
                  - POST
            plugins:
              - name: rate-limiting
                config:
                  minute: 100
              - name: jwt
        """#

    /// "Traffic Management": the canary VirtualService and the DestinationRule.
    static let istio = #"""
        # VirtualService for canary deployment
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: user-service
        spec:
          hosts:
          - user-service
          http:
          - match:
            - headers:
                canary:
                  exact: "true"
            route:
            - destination:
                host: user-service
                subset: v2
              weight: 100
          - route:
            - destination:
                host: user-service
                subset: v1
              weight: 90
            - destination:
                host: user-service
                subset: v2
              weight: 10

        ---
        # DestinationRule
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: user-service
        spec:
          host: user-service
          trafficPolicy:
            connectionPool:
              tcp:
                maxConnections: 100
              http:
                http1MaxPendingRequests: 50
                h2MaxRequests: 100
            loadBalancer:
              simple: LEAST_REQUEST
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
        """#
}

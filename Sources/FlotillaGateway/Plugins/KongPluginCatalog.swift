extension GatewayPluginFactory {
    /// Kong's bundled plugins this gateway implements, by Kong name.
    public static let kongPlugins: [String: Builder] = [:]
}

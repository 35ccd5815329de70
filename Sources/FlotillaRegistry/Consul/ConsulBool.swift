/// Consul's boolean query parameters (`?passing`, `?recurse`): Go's `strconv.ParseBool`, where a bare key means true.
public enum ConsulBool {
    /// `nil` when `value` is not a boolean spelling Go accepts; `""` (the bare `?passing`) is true.
    public static func parse(_ value: Substring) -> Bool? {
        switch value {
        case "", "1", "t", "T", "true", "TRUE", "True": true
        case "0", "f", "F", "false", "FALSE", "False": false
        default: nil
        }
    }
}

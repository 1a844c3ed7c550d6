extension Duration {
    /// The duration in seconds, for timers and rates.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

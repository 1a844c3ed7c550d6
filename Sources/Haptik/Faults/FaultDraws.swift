/// The random draws of a rule with a `probability`: SplitMix64, so that a seed gives the same
/// sequence on any machine and any run.
struct FaultDraws: Sendable {
    private var state: UInt64

    /// Draws seeded with `seed`, or with a random seed when nil.
    init(seed: UInt64?) {
        state = seed ?? UInt64.random(in: .min ... .max)
    }

    /// Whether the next draw, uniform in [0, 1), falls below `probability`.
    mutating func hits(_ probability: Double) -> Bool {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return Double(mixed >> 11) * 0x1p-53 < probability
    }
}

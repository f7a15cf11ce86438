#pragma once
// Absolute times inside the timing models are integer picoseconds; SystemC times convert here.
#include <cmath>
#include <cstdint>

#include <systemc>

namespace qasim::hw {

namespace detail {
/// True when the SystemC time resolution is 1 ps (the default; qasim never changes it): then an
/// sc_time's integer value *is* its picosecond count and the conversions need no double math.
/// The resolution is frozen once the first non-zero sc_time exists, so it is read once.
inline bool resolution_is_ps() {
    static const bool kIsPs =
        sc_core::sc_get_time_resolution() == sc_core::sc_time(1.0, sc_core::SC_PS);
    return kIsPs;
}
/// Below 2^48 ps (~281 s of simulated time) the double path is exact (its rounding error stays
/// below 0.13 ps), so the integer path returns the same value bit for bit; above it the double
/// path is kept as it was.
constexpr uint64_t kExactPs = 1ull << 48;
}  // namespace detail

inline uint64_t to_ps(const sc_core::sc_time& t) {
    if (detail::resolution_is_ps() && t.value() < detail::kExactPs) return t.value();
    return static_cast<uint64_t>(std::llround(t.to_seconds() * 1e12));
}
inline sc_core::sc_time from_ps(uint64_t ps) {
    if (ps < detail::kExactPs && detail::resolution_is_ps()) {
        return sc_core::sc_time::from_value(ps);
    }
    return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}
/// Clock period in ps for a clock in MHz.
inline double period_ps(double clock_mhz) { return 1e6 / clock_mhz; }
/// `cycles` of a clock in ps (rounded to the nearest ps).
inline uint64_t cycles_to_ps(uint64_t cycles, double clock_mhz) {
    // Whole-ps periods (1 GHz, 500 MHz, ...): the double product is exact below 2^53, so the
    // integer product is the same value without the libm call.
    const double p = period_ps(clock_mhz);
    const bool whole =
        p >= 1.0 && p < 1048576.0 && p == static_cast<double>(static_cast<uint64_t>(p));
    if (whole && cycles < (1ull << 32)) {
        return cycles * static_cast<uint64_t>(p);
    }
    return static_cast<uint64_t>(std::llround(static_cast<double>(cycles) * p));
}

}  // namespace qasim::hw

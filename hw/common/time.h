#pragma once
// Absolute times inside the timing models are integer picoseconds; SystemC times convert here.
#include <cmath>
#include <cstdint>

#include <systemc>

namespace qasim::hw {

inline uint64_t to_ps(const sc_core::sc_time& t) { return static_cast<uint64_t>(std::llround(t.to_seconds() * 1e12)); }
inline sc_core::sc_time from_ps(uint64_t ps) { return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS); }
/// Clock period in ps for a clock in MHz.
inline double period_ps(double clock_mhz) { return 1e6 / clock_mhz; }
/// `cycles` of a clock in ps (rounded to the nearest ps).
inline uint64_t cycles_to_ps(uint64_t cycles, double clock_mhz) {
    return static_cast<uint64_t>(std::llround(static_cast<double>(cycles) * period_ps(clock_mhz)));
}

}  // namespace qasim::hw

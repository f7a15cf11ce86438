#pragma once
// Whether an operand format runs on a PE datapath built for another format (no SystemC).
#include <string>

#include "models/formats/format.h"

namespace qasim::hw {

/// Empty if `op` fits the `pe` datapath; otherwise why not. Integer-like operands (int, ternary,
/// OVP, BitMoD, log codes) fit an integer PE of at least their multiplier width and a float PE
/// whose significand holds them exactly; floats fit a float PE with at least their exponent and
/// mantissa bits.
inline std::string pe_fit(const models::Format& op, const models::Format& pe) {
    const bool op_float = op.kind == models::NumKind::floating;
    if (pe.kind == models::NumKind::floating) {
        if (op_float) {
            if (op.exp_bits <= pe.exp_bits && op.man_bits <= pe.man_bits) return "";
            return "operand format " + op.spec + " does not fit " + pe.spec + " PEs (needs e" +
                   std::to_string(op.exp_bits) + "m" + std::to_string(op.man_bits) + ")";
        }
        if (op.multiplier_bits() <= pe.man_bits + 2) return "";
        return "operand format " + op.spec + " needs " + std::to_string(op.multiplier_bits()) +
               "-bit integers, more than the significand of " + pe.spec + " PEs";
    }
    if (op_float)
        return "operand format " + op.spec + " is floating point but the PEs are " + pe.spec +
               " (set pe_format to a float format, or quantize the operand)";
    if (op.multiplier_bits() <= pe.bits) return "";
    return "operand format " + op.spec + " is wider than the " + pe.spec + " PEs";
}

}  // namespace qasim::hw

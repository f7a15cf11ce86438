// Energy and area laws over a Tech table; the laws are documented in tech.h and
// docs/energy_model.md, the anchor numbers and their sources in configs/tech/*.yaml.
#include "models/energy/tech.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace qasim::models {
namespace {

struct Anchor {
    double x;  ///< width, product of widths, or capacity
    double y;  ///< energy or area at x
};

/// Piecewise power law through the anchors (sorted by x, x > 0, y > 0): log-log interpolation
/// between neighbours, y ∝ x^exp_below below the first and x^exp_above above the last anchor
/// (exp_above < 0 means: continue the last segment's slope).
double power_law(const std::vector<Anchor>& a, double x, double exp_below, double exp_above) {
    if (a.empty()) throw std::invalid_argument("tech: no anchor points");
    if (!(x > 0)) throw std::invalid_argument("tech: width/capacity must be > 0");
    if (x <= a.front().x) return a.front().y * std::pow(x / a.front().x, exp_below);
    for (size_t i = 1; i < a.size(); ++i) {
        if (x == a[i].x) return a[i].y;  // anchors are reproduced exactly
        if (x < a[i].x) {
            const double t = std::log(x / a[i - 1].x) / std::log(a[i].x / a[i - 1].x);
            return std::exp((1 - t) * std::log(a[i - 1].y) + t * std::log(a[i].y));
        }
    }
    double e = exp_above;
    if (e < 0) {
        e = 1.0;
        if (a.size() >= 2) {
            const Anchor& p = a[a.size() - 2];
            const Anchor& q = a.back();
            e = std::log(q.y / p.y) / std::log(q.x / p.x);
        }
    }
    return a.back().y * std::pow(x / a.back().x, e);
}

void check_bits(int bits, const char* what) {
    if (bits < 1) throw std::invalid_argument(std::string("tech: ") + what + " width must be >= 1");
}

/// Significand(+sign) widths of the fp16 / fp32 anchors, as the multiplier sees them.
int fp16_mbits() { static const int b = parse_format("fp16").multiplier_bits(); return b; }
int fp32_mbits() { static const int b = parse_format("fp32").multiplier_bits(); return b; }

double adder(const Tech& t, int bits, bool is_float, bool want_area) {
    check_bits(bits, "adder");
    if (is_float) {
        return power_law({{16, want_area ? t.fp16_add_um2 : t.fp16_add_pj},
                          {32, want_area ? t.fp32_add_um2 : t.fp32_add_pj}},
                         bits, 1.0, 1.0);
    }
    return power_law({{8, want_area ? t.int8_add_um2 : t.int8_add_pj},
                      {16, want_area ? t.int16_add_um2 : t.int16_add_pj},
                      {32, want_area ? t.int32_add_um2 : t.int32_add_pj}},
                     bits, 1.0, 1.0);
}

double multiplier(const Tech& t, int a_bits, bool a_float, int b_bits, bool b_float,
                  bool want_area) {
    check_bits(a_bits, "multiplier operand");
    check_bits(b_bits, "multiplier operand");
    const double p = static_cast<double>(a_bits) * b_bits;
    if (a_float || b_float) {
        const double p16 = static_cast<double>(fp16_mbits()) * fp16_mbits();
        const double p32 = static_cast<double>(fp32_mbits()) * fp32_mbits();
        return power_law({{p16, want_area ? t.fp16_mult_um2 : t.fp16_mult_pj},
                          {p32, want_area ? t.fp32_mult_um2 : t.fp32_mult_pj}},
                         p, 1.0, 1.0);
    }
    return power_law({{64, want_area ? t.int8_mult_um2 : t.int8_mult_pj},
                      {1024, want_area ? t.int32_mult_um2 : t.int32_mult_pj}},
                     p, 1.0, 1.0);
}

enum class SramQty { read, write, area };

double sram_value(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits, SramQty q) {
    if (t.sram.empty()) throw std::invalid_argument("tech " + t.name + ": no SRAM anchor points");
    if (capacity_bytes == 0) throw std::invalid_argument("tech: SRAM capacity must be > 0");
    if (width_bits == 0) throw std::invalid_argument("tech: SRAM width must be > 0");
    std::vector<Anchor> a;
    a.reserve(t.sram.size());
    for (const SramPoint& p : t.sram) {
        const double w = p.width_bits;
        const double y = q == SramQty::read    ? p.read_pj / w
                         : q == SramQty::write ? p.write_pj / w
                                               : p.area_mm2;
        a.push_back({static_cast<double>(p.capacity_bytes), y});
    }
    const double w0 = t.sram.front().width_bits;
    const double wr = static_cast<double>(width_bits) / w0;
    const double c = static_cast<double>(capacity_bytes);
    if (q == SramQty::area) {
        // Below the smallest anchor area ∝ capacity (constant density); above, last slope.
        return power_law(a, c, 1.0, -1.0) * std::pow(wr, t.sram_area_width_exp);
    }
    // Below the smallest anchor: pJ/bit ∝ √capacity (CACTI's average size law, §2b), above the
    // largest the last segment continues; never below a register access per bit.
    const double e = q == SramQty::read ? t.sram_read_width_exp : t.sram_write_width_exp;
    const double v = power_law(a, c, 0.5, -1.0) * std::pow(wr, -e);
    return std::max(v, t.regfile_pj_per_bit);
}

}  // namespace

namespace energy {

double add_pj(const Tech& t, int bits, bool is_float) { return adder(t, bits, is_float, false); }

double mult_pj(const Tech& t, int a_bits, bool a_float, int b_bits, bool b_float) {
    return multiplier(t, a_bits, a_float, b_bits, b_float, false);
}

double mult_pj(const Tech& t, const Format& a, const Format& b) {
    return mult_pj(t, a.multiplier_bits(), a.is_float(), b.multiplier_bits(), b.is_float());
}

double mac_pj(const Tech& t, const Format& a, const Format& b, int acc_bits) {
    return mult_pj(t, a, b) + add_pj(t, acc_bits, a.is_float() || b.is_float());
}

double sram_read_pj_per_bit(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits) {
    return sram_value(t, capacity_bytes, width_bits, SramQty::read);
}

double sram_write_pj_per_bit(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits) {
    return sram_value(t, capacity_bytes, width_bits, SramQty::write);
}

double sram_read_pj(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits) {
    return sram_read_pj_per_bit(t, capacity_bytes, width_bits) * width_bits;
}

double sram_write_pj(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits) {
    return sram_write_pj_per_bit(t, capacity_bytes, width_bits) * width_bits;
}

double regfile_pj_per_bit(const Tech& t) { return t.regfile_pj_per_bit; }

double noc_pj_per_byte_hop(const Tech& t) { return t.noc_pj_per_byte_hop; }

namespace {
int mux_levels(uint32_t entries) {
    if (entries == 0) throw std::invalid_argument("tech: LUT must have >= 1 entry");
    int levels = 0;
    while ((uint64_t{1} << levels) < entries) ++levels;
    return std::max(levels, 1);
}
}  // namespace

double lut_read_pj(const Tech& t, uint32_t entries, uint32_t entry_bits) {
    return static_cast<double>(entry_bits) * mux_levels(entries) * t.bitwise_pj_per_bit;
}

double lut_write_pj(const Tech& t, uint32_t entry_bits) {
    return static_cast<double>(entry_bits) * t.regfile_pj_per_bit;
}

double shift_add_pj(const Tech& t, int bits) {
    return bits * t.bitwise_pj_per_bit + add_pj(t, bits, false);
}

double leakage_mw_per_mm2(const Tech& t) { return t.leakage_mw_per_mm2; }

double leakage_mw(const Tech& t, double area_mm2) { return t.leakage_mw_per_mm2 * area_mm2; }

}  // namespace energy

namespace area {

double add_um2(const Tech& t, int bits, bool is_float) { return adder(t, bits, is_float, true); }

double mult_um2(const Tech& t, int a_bits, bool a_float, int b_bits, bool b_float) {
    return multiplier(t, a_bits, a_float, b_bits, b_float, true);
}

double mult_um2(const Tech& t, const Format& a, const Format& b) {
    return mult_um2(t, a.multiplier_bits(), a.is_float(), b.multiplier_bits(), b.is_float());
}

double mac_um2(const Tech& t, const Format& a, const Format& b, int acc_bits) {
    return mult_um2(t, a, b) + add_um2(t, acc_bits, a.is_float() || b.is_float());
}

double sram_mm2(const Tech& t, uint64_t capacity_bytes, uint32_t width_bits) {
    return sram_value(t, capacity_bytes, width_bits, SramQty::area);
}

double regfile_um2_per_bit(const Tech& t) { return t.regfile_um2_per_bit; }

double lut_um2(const Tech& t, uint32_t entries, uint32_t entry_bits) {
    if (entries == 0) throw std::invalid_argument("tech: LUT must have >= 1 entry");
    const double bits = static_cast<double>(entries) * entry_bits;
    const double muxes = static_cast<double>(entries - 1) * entry_bits;
    return bits * t.regfile_um2_per_bit + muxes * t.bitwise_um2_per_bit;
}

double shift_add_um2(const Tech& t, int bits) {
    return bits * t.bitwise_um2_per_bit + add_um2(t, bits, false);
}

}  // namespace area
}  // namespace qasim::models

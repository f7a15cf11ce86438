#pragma once
// Technology tables and the per-action energy / per-component area model (DESIGN.md §"energy").
//
// A `Tech` holds one node's anchor numbers (configs/tech/<n>nm.yaml, every number sourced there);
// the functions below turn anchors into the cost of any width by documented laws:
//   * adders:      energy/area ∝ width, log-log interpolated between the anchor widths
//                  (int 8/16/32, fp 16/32) so every anchor is reproduced exactly; ∝ width outside.
//   * multipliers: energy/area ∝ product of operand widths (Format::multiplier_bits(): int bits,
//                  float significand+sign), log-log between the anchors (int8×int8, int32×int32;
//                  fp16×fp16, fp32×fp32), ∝ product outside. If either operand is a float the float
//                  anchors are used (int4×fp16 → between int8 and fp16 entries).
//   * MAC:         multiplier + accumulator adder of acc_bits (float iff an operand is float).
//   * SRAM:        pJ/bit and mm² interpolated log-log in capacity between CACTI-like anchor points
//                  (all at one width), × (width/anchor width)^(-exp) for other widths; below
//                  the smallest anchor pJ/bit ∝ √capacity (floored at the register-file pJ/bit)
//                  and area ∝ capacity; above the largest the last segment's slope continues.
// Energy of a unit = Σ action count × pJ + leakage_mw × time_ns (mW × ns = pJ).
// Parsing lives in sim/tech_loader (models/ cannot use yaml-cpp): `sim::load_tech(node_nm)`.
#include <cstdint>
#include <string>
#include <vector>

#include "models/formats/format.h"

namespace qasim::models {

/// One SRAM anchor (e.g. a CACTI run): energy per access of `width_bits` bits, area of the macro.
struct SramPoint {
    uint64_t capacity_bytes = 0;  ///< macro capacity (bytes)
    uint32_t width_bits = 64;     ///< access width of the anchor (bits)
    double read_pj = 0;           ///< energy of one read of width_bits (pJ)
    double write_pj = 0;          ///< energy of one write of width_bits (pJ)
    double area_mm2 = 0;          ///< macro area (mm²)
};

/// One technology table: anchor energies (pJ) and areas (µm² / mm²) at one node.
struct Tech {
    int node_nm = 28;                 ///< feature size (nm)
    std::string name;                 ///< e.g. "28nm" or a user name
    std::string source;               ///< file the table came from (for messages)
    double vdd_v = 0.9;               ///< supply the anchors refer to (V); informative only

    // Integer adders (Horowitz 45 nm rows at 8/16/32 b, scaled per node).
    double int8_add_pj = 0, int16_add_pj = 0, int32_add_pj = 0;       ///< one add (pJ)
    double int8_add_um2 = 0, int16_add_um2 = 0, int32_add_um2 = 0;    ///< adder area (µm²)
    // Integer multipliers (8×8 and 32×32).
    double int8_mult_pj = 0, int32_mult_pj = 0;                       ///< one multiply (pJ)
    double int8_mult_um2 = 0, int32_mult_um2 = 0;                     ///< multiplier area (µm²)
    // Floating point (IEEE fp16 / fp32).
    double fp16_add_pj = 0, fp32_add_pj = 0;                          ///< one add (pJ)
    double fp16_add_um2 = 0, fp32_add_um2 = 0;                        ///< adder area (µm²)
    double fp16_mult_pj = 0, fp32_mult_pj = 0;                        ///< one multiply (pJ)
    double fp16_mult_um2 = 0, fp32_mult_um2 = 0;                      ///< multiplier area (µm²)

    // Gate-level and storage primitives.
    double bitwise_pj_per_bit = 0;    ///< one 2-input gate op (AND / 2:1 mux) per bit (pJ)
    double bitwise_um2_per_bit = 0;   ///< its area per bit (µm²)
    double regfile_pj_per_bit = 0;    ///< register/latch access (read or write) per bit (pJ)
    double regfile_um2_per_bit = 0;   ///< register storage area per bit (µm²)
    double noc_pj_per_byte_hop = 0;   ///< on-chip network: one byte over one router+link hop (pJ)
    double leakage_mw_per_mm2 = 0;    ///< static power density of logic and SRAM (mW/mm²)

    // SRAM: anchors sorted by capacity, all of the same width_bits; width laws per bit.
    std::vector<SramPoint> sram;      ///< CACTI-like anchor points (≥ 1)
    double sram_read_width_exp = 0;   ///< read pJ/bit ∝ (width/anchor width)^(-exp)
    double sram_write_width_exp = 0;  ///< write pJ/bit ∝ (width/anchor width)^(-exp)
    double sram_area_width_exp = 0;   ///< area ∝ (width/anchor width)^(+exp) at fixed capacity
};

namespace energy {
/// One adder of `bits` (pJ). is_float selects the fp16/fp32 anchors (bits = total width).
double add_pj(const Tech&, int bits, bool is_float);
/// One multiplier; a_bits/b_bits are datapath widths as Format::multiplier_bits() (pJ).
double mult_pj(const Tech&, int a_bits, bool a_float, int b_bits, bool b_float);
double mult_pj(const Tech&, const Format& a, const Format& b);
/// One MAC: mult_pj(a, b) + add_pj(acc_bits, a.is_float() || b.is_float()) (pJ).
double mac_pj(const Tech&, const Format& a, const Format& b, int acc_bits);
/// SRAM read / write energy per bit for a macro of capacity_bytes accessed width_bits wide (pJ).
double sram_read_pj_per_bit(const Tech&, uint64_t capacity_bytes, uint32_t width_bits);
double sram_write_pj_per_bit(const Tech&, uint64_t capacity_bytes, uint32_t width_bits);
/// Same per access of width_bits (pJ).
double sram_read_pj(const Tech&, uint64_t capacity_bytes, uint32_t width_bits);
double sram_write_pj(const Tech&, uint64_t capacity_bytes, uint32_t width_bits);
/// Register-file / pipeline-register access per bit (pJ).
double regfile_pj_per_bit(const Tech&);
/// One byte over one NoC hop (router + link) (pJ).
double noc_pj_per_byte_hop(const Tech&);
/// Read one entry of a table of `entries` registers: entry_bits × ⌈log2 entries⌉ mux levels (pJ).
double lut_read_pj(const Tech&, uint32_t entries, uint32_t entry_bits);
/// Write one table entry: entry_bits register writes (pJ).
double lut_write_pj(const Tech&, uint32_t entry_bits);
/// One bit-serial step: `bits` AND gates (partial product) + a `bits`-wide integer add; the
/// 1-bit shift per step is wiring (pJ).
double shift_add_pj(const Tech&, int bits);
/// Static power density (mW/mm²); leakage energy (pJ) = mW/mm² × mm² × ns.
double leakage_mw_per_mm2(const Tech&);
double leakage_mw(const Tech&, double area_mm2);
}  // namespace energy

namespace area {
double add_um2(const Tech&, int bits, bool is_float);
double mult_um2(const Tech&, int a_bits, bool a_float, int b_bits, bool b_float);
double mult_um2(const Tech&, const Format& a, const Format& b);
double mac_um2(const Tech&, const Format& a, const Format& b, int acc_bits);
/// SRAM macro of capacity_bytes with width_bits ports (mm²).
double sram_mm2(const Tech&, uint64_t capacity_bytes, uint32_t width_bits);
double regfile_um2_per_bit(const Tech&);
/// Table of entries × entry_bits registers plus its (entries-1) × entry_bits 2:1 mux tree (µm²).
double lut_um2(const Tech&, uint32_t entries, uint32_t entry_bits);
/// Bit-serial shift-add datapath: `bits` AND gates + `bits`-wide adder (µm²).
double shift_add_um2(const Tech&, int bits);
}  // namespace area

}  // namespace qasim::models

#pragma once
// DRAM device description (pure C++): organisation, JEDEC-style timings in tCK cycles, device
// energy and the area of what an HBM stack adds to the logic die (PHY + controller). The presets
// `hbm2`, `hbm2e` and `hbm3` are tables in dram_spec.cpp, each value with its source; every field
// can be overridden (hw/hbm/hbm_config.h exposes them as flat YAML keys).
#include <cstdint>
#include <string>
#include <vector>

namespace qasim::models::dram {

/// Organisation of one stack. A "burst" is one column access: bus_bits × burst_length bits.
struct Organization {
    uint64_t channels = 8;         ///< channels per stack
    uint64_t pseudo_channels = 2;  ///< pseudo-channels per channel (independent banks + data bus)
    uint64_t sids = 1;  ///< stack IDs per pseudo-channel (HBM3 8-high: 2), an extra bank dimension
    uint64_t bank_groups = 4;      ///< bank groups per pseudo-channel (per SID)
    uint64_t banks_per_group = 4;  ///< banks per bank group
    uint64_t rows = 32768;         ///< rows per bank
    uint64_t columns = 32;      ///< column addresses per row, in bursts (row bytes / burst bytes)
    uint64_t burst_length = 4;  ///< beats per burst (BL)
    uint64_t bus_bits = 64;     ///< data bus width of one pseudo-channel (bits)
    double data_rate_mtps = 2000;  ///< transfers per second per pin (MT/s)

    uint64_t burst_bytes() const { return bus_bits * burst_length / 8; }
    uint64_t row_bytes() const { return columns * burst_bytes(); }
    uint64_t banks_per_pc() const { return sids * bank_groups * banks_per_group; }
    uint64_t banks_per_channel() const { return pseudo_channels * banks_per_pc(); }
    /// Bytes of one stack.
    uint64_t stack_bytes() const { return channels * banks_per_channel() * rows * row_bytes(); }
};

/// Timing constraints in cycles of tCK (the command clock), JEDEC names.
struct Timing {
    uint64_t tck_ps = 1000;       ///< command clock period (ps)
    uint64_t cl = 14;             ///< RD to first data (tCL)
    uint64_t cwl = 5;             ///< WR to first data (tCWL)
    uint64_t rcd_rd = 14;         ///< ACT to RD (tRCDRD)
    uint64_t rcd_wr = 12;         ///< ACT to WR (tRCDWR)
    uint64_t rp = 14;             ///< PRE to ACT (tRP)
    uint64_t ras = 34;            ///< ACT to PRE (tRAS)
    uint64_t rc = 48;             ///< ACT to ACT, same bank (tRC)
    uint64_t wr = 16;             ///< end of write data to PRE (tWR)
    uint64_t rtp = 5;             ///< RD to PRE (tRTP)
    uint64_t ccd_s = 2;           ///< column to column, different bank group (tCCD_S)
    uint64_t ccd_l = 4;           ///< column to column, same bank group (tCCD_L)
    /// RD to RD, other stack ID of the same pseudo-channel (tCCD_R; applies as max(tCCD_S,
    /// tCCD_R), so a value <= tCCD_S adds nothing; only devices with sids > 1 have other SIDs)
    uint64_t ccd_r = 2;
    uint64_t rrd_s = 4;           ///< ACT to ACT, different bank group (tRRD_S)
    uint64_t rrd_l = 4;           ///< ACT to ACT, same bank group (tRRD_L)
    uint64_t faw = 15;            ///< window holding at most four ACTs, per pseudo-channel (tFAW)
    uint64_t wtr_s = 6;           ///< end of write data to RD, different bank group (tWTR_S)
    uint64_t wtr_l = 8;           ///< end of write data to RD, same bank group (tWTR_L)
    uint64_t rtw = 13;            ///< RD to WR turnaround (tRTW)
    uint64_t rfc = 260;           ///< all-bank refresh to ACT (tRFC)
    uint64_t refi = 3900;         ///< refresh interval (tREFI)
    uint64_t act_cmd_cycles = 2;  ///< cycles an ACT occupies the row command bus
};

/// Device energy (the DRAM's, not the logic node's) and background power.
struct Energy {
    double act_pj = 828.0;                   ///< one ACT with its PRE (pJ)
    double read_pj_per_bit = 1.57;           ///< array + on-die path of a read, per bit (pJ)
    double write_pj_per_bit = 2.09;          ///< same for a write (pJ)
    double io_pj_per_bit = 0.30;             ///< interposer I/O per bit moved (pJ)
    double refresh_pj = 30420.0;             ///< one all-bank refresh of one pseudo-channel (pJ)
    double background_mw_per_stack = 384.0;  ///< precharge-standby power of a stack (mW)
};

/// What an HBM stack adds to the accelerator die.
struct StackArea {
    double phy_mm2 = 10.45;         ///< HBM PHY per stack (mm², does not scale with the node)
    double controller_mtr = 552.7;  ///< memory controller per stack (million transistors)
    /// Interface width (bits) of the stack the per-stack figures (PHY, controller, background
    /// power) describe: JEDEC JESD235 HBM/HBM2 and JESD238 HBM3 stacks have a 1024-bit interface.
    uint64_t stack_interface_bits = 1024;
};

/// One DRAM standard at one speed: organisation + timing + energy + area + default address map.
struct Spec {
    std::string name = "hbm2";
    Organization org;
    Timing timing;
    Energy energy;
    StackArea area;
    std::string default_map = "RoBaBgPcCo4ChCo1";  ///< see address_map.h
};

/// The built-in presets (hbm2, hbm2e, hbm3). Throws std::invalid_argument for an unknown name.
const Spec& preset(const std::string& name);
std::vector<std::string> preset_names();
/// "hbm2, hbm2e, hbm3".
std::string preset_names_text();

/// Cycles one burst occupies a pseudo-channel's data bus: burst_length beats at data_rate.
/// 0 when that is not a whole number of tCK (check_spec reports it).
uint64_t burst_cycles(const Spec& s);
/// Peak bandwidth = channels × pseudo-channels × bus bits × data rate (GB/s, 1 GB = 1e9 B).
double peak_bandwidth_gbps(const Spec& s, uint64_t stacks);
uint64_t capacity_bytes(const Spec& s, uint64_t stacks);
/// Fraction of a full stack that the organisation models: channels × pseudo-channels × bus bits
/// over area.stack_interface_bits (1 for every preset). The per-stack background power, PHY area
/// and controller area scale with it: a config with `channels: 1` of HBM2 (one 128-bit channel
/// of a 1024-bit stack) gets 1/8 of each — the background figure is derived per 128-bit channel
/// (dram_spec.cpp), the PHY per interface width (LLMCompass: per 1024-bit stack interface).
double stack_fraction(const Spec& s);

/// One problem of a spec: the YAML key it concerns (hw/hbm field names) and a message.
struct Problem {
    std::string key;
    std::string message;
};
/// Every inconsistency of a spec (zero counts, non-powers of two, tRC < tRAS + tRP, ...).
std::vector<Problem> check_spec(const Spec& s);

/// Area of the memory controller of one stack on a logic node (mm²): controller_mtr divided by
/// the node's transistor density (LLMCompass table), log-log interpolated between table nodes.
double controller_area_mm2(const StackArea& a, int node_nm);
/// Million transistors per mm² at a node (LLMCompass/ttm-cas table, interpolated).
double transistor_density_mtr_per_mm2(int node_nm);

}  // namespace qasim::models::dram

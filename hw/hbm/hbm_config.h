#pragma once
// `type: hbm` configuration: a preset (hbm2, hbm2e, hbm3; tables in models/dram/dram_spec.cpp)
// plus flat scalar keys for the controller and an override for every organisation, timing, energy
// and area value of the preset. An override left out keeps the preset's value; the resolved dump
// (config.resolved.yaml, `qasim describe hbm`) prints the value in effect.
#include <optional>
#include <string>

#include "models/dram/dram_system.h"
#include "sim/errors.h"
#include "sim/fields.h"

namespace qasim::hw {

struct HbmConfig {
    std::string preset = "hbm2";  ///< device standard and speed: hbm2, hbm2e, hbm3
    uint64_t stacks = 1;          ///< stacks (each adds the preset's channels)
    std::string
        address_map;  ///< field string, lowest bits last (models/dram/address_map.h); "" = preset
    models::dram::PagePolicy page_policy = models::dram::PagePolicy::open;  ///< open or closed
    models::dram::RefreshPolicy refresh =
        models::dram::RefreshPolicy::all_bank;  ///< all_bank or none
    uint64_t read_queue_depth = 64;             ///< read bursts waiting per channel
    uint64_t write_queue_depth = 64;            ///< write bursts waiting per channel
    double write_high_watermark = 0.8;  ///< write-queue fill that starts a write drain (fraction)
    double write_low_watermark = 0.2;   ///< fill below which reads resume (fraction)
    uint64_t row_hit_cap =
        16;  ///< row hits that may bypass an older request to another row (0: none)
    bool fast_stream = true;  ///< exact channel-symmetry shortcut for DMA blocks (dram_system.h)
    bool memo = true;  ///< exact replay of per-channel DMA-block runs seen before (dram_system.h)

    // Organisation overrides (unset: preset value).
    std::optional<uint64_t> channels, pseudo_channels, sids, bank_groups, banks_per_group, rows,
        columns, burst_length, bus_bits;
    std::optional<double> data_rate_mtps;
    // Timing overrides, cycles of tCK (unset: preset value).
    std::optional<uint64_t> tck_ps, tcl_cycles, tcwl_cycles, trcd_rd_cycles, trcd_wr_cycles,
        trp_cycles, tras_cycles, trc_cycles, twr_cycles, trtp_cycles, tccd_s_cycles, tccd_l_cycles,
        tccd_r_cycles,
        trrd_s_cycles, trrd_l_cycles, tfaw_cycles, twtr_s_cycles, twtr_l_cycles, trtw_cycles,
        trfc_cycles, trefi_cycles, act_cmd_cycles;
    // Energy and area overrides (unset: preset value).
    std::optional<double> act_energy_pj, read_energy_pj_per_bit, write_energy_pj_per_bit,
        io_energy_pj_per_bit, refresh_energy_pj, background_mw_per_stack, phy_area_mm2_per_stack,
        controller_mtr_per_stack;

    /// The preset with the overrides applied, and the controller parameters. The preset name must
    /// be valid (the field table only accepts the built-in names).
    models::dram::SystemConfig resolve() const;

    static const sim::FieldTable<HbmConfig>& fields();
    /// Every inconsistency of the resolved device (zero counts, non-powers of two, tRC < tRAS +
    /// tRP, a map that does not cover the address bits, ...), each under `path.key`.
    void validate(const std::string& path, sim::Errors& errs) const;
};

}  // namespace qasim::hw

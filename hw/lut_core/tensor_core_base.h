#pragma once
// What lut_tensor_core and its MAC baseline mac_tensor_core share: the config fields of the engine
// array and of the on-chip buffers (same keys, units and ranges; the descriptions that differ are
// passed in), the model parameters they fill, planning with models/lut_core, and the energy and
// area of the buffers.
#include <cstdint>
#include <string>

#include "hw/common/unit_base.h"
#include "models/energy/cost_table.h"
#include "models/lut_core/lut_model.h"
#include "sim/fields.h"

namespace qasim::hw {

/// Config fields of both tensor cores whose defaults agree (the tile shape, whose defaults differ,
/// stays in each config).
struct TensorCoreCommonConfig {
    uint64_t engines = 16;           ///< engines side by side
    uint64_t weight_reuse_m = 1;     ///< tile_m-row sub-tiles run per weight fragment read
    uint64_t acc_bits = 32;          ///< accumulator width (bits)
    uint64_t act_sram_kb = 512;      ///< activation buffer (KiB)
    uint64_t weight_sram_kb = 1024;  ///< weight buffer (KiB)
    uint64_t out_sram_kb = 256;      ///< output buffer (KiB)
    uint64_t sram_width_bits = 256;  ///< access width of each buffer (bits)
};

/// The `qasim describe` descriptions that differ between the two cores.
struct TensorCoreFieldText {
    const char* engines;
    const char* tile_m;
    const char* tile_n;
    const char* tile_k;
    const char* acc_bits;
    const char* act_sram_kb;
};

/// Adds engines, tile_m, tile_n and tile_k to a tensor-core field table.
template <class C>
sim::FieldTable<C>& add_engine_fields(sim::FieldTable<C>& t, const TensorCoreFieldText& d) {
    return t.u64("engines", &C::engines, "engines", d.engines, 1, 1 << 16)
        .u64("tile_m", &C::tile_m, "rows", d.tile_m, 1, 1 << 12)
        .u64("tile_n", &C::tile_n, "columns", d.tile_n, 1, 1 << 12)
        .u64("tile_k", &C::tile_k, "elements", d.tile_k, 1, 1 << 12);
}

/// Adds weight_reuse_m, acc_bits and the buffer fields to a tensor-core field table; the table
/// buffer (LUT core only) follows act_sram_kb when `table_sram_kb` is given.
template <class C>
sim::FieldTable<C>& add_buffer_fields(sim::FieldTable<C>& t, const TensorCoreFieldText& d,
                                      uint64_t C::*table_sram_kb = nullptr) {
    t.u64("weight_reuse_m", &C::weight_reuse_m, "sub-tiles",
          "tile_m-row sub-tiles an engine runs per weight fragment read (accumulators x this)", 1,
          1024)
        .u64("acc_bits", &C::acc_bits, "bits", d.acc_bits, 8, 64)
        .u64("act_sram_kb", &C::act_sram_kb, "KiB", d.act_sram_kb, 1, 1 << 24);
    if (table_sram_kb) t.u64("table_sram_kb", table_sram_kb, "KiB", "table buffer", 1, 1 << 24);
    return t.u64("weight_sram_kb", &C::weight_sram_kb, "KiB", "weight buffer", 1, 1 << 24)
        .u64("out_sram_kb", &C::out_sram_kb, "KiB", "output buffer", 1, 1 << 24)
        .u64("sram_width_bits", &C::sram_width_bits, "bits", "access width of each buffer", 8,
             8192);
}

/// Model parameters of the engine shape and the buffers (every field both cores have).
template <class C>
models::LutCoreParams engine_params(const C& c, models::TcDatapath datapath) {
    models::LutCoreParams p;
    p.datapath = datapath;
    p.engines = c.engines;
    p.tile_m = c.tile_m;
    p.tile_n = c.tile_n;
    p.tile_k = c.tile_k;
    p.acc_bits = static_cast<uint32_t>(c.acc_bits);
    p.weight_reuse_m = c.weight_reuse_m;
    p.act_sram_bytes = c.act_sram_kb * 1024;
    p.weight_sram_bytes = c.weight_sram_kb * 1024;
    p.out_sram_bytes = c.out_sram_kb * 1024;
    return p;
}

/// Energy per bit read and written of the buffer `name` of `bytes` bytes and `width_bits` access
/// width (actions sram_read_bits.NAME, sram_write_bits.NAME) and, if `with_area`, its area
/// (component NAME_sram); CACTI-like anchors of the tech table, interpolated by models/energy.
void add_buffer_costs(const models::Tech& tech, models::CostTable& out, const std::string& name,
                      uint64_t bytes, uint32_t width_bits, bool with_area = true);

/// Shell of both tensor cores: check and plan through models/lut_core with the unit's parameters.
class TensorCoreUnit : public UnitBase {
public:
    TensorCoreUnit(sc_core::sc_module_name name, const sim::BuildContext& ctx,
                   const models::LutCoreParams& params)
        : UnitBase(name, ctx), m_params(params) {}
    std::string check(const models::Op& op) const override {
        return models::lut_core_support(op, m_params);
    }
    models::TilePlan plan(const models::Op& op) const override {
        return models::lut_core_plan(op, m_params);
    }

protected:
    const models::LutCoreParams m_params;
};

}  // namespace qasim::hw

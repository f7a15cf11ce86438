#include "hw/lut_core/mac_tensor_core.h"

#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<MacTensorCoreConfig>& MacTensorCoreConfig::fields() {
    using C = MacTensorCoreConfig;
    static const auto t =
        sim::FieldTable<C>()
            .u64("engines", &C::engines, "engines", "dot-product engines side by side", 1, 1 << 16)
            .u64("tile_m", &C::tile_m, "rows", "rows per engine step", 1, 1 << 12)
            .u64("tile_n", &C::tile_n, "columns", "columns per engine step", 1, 1 << 12)
            .u64("tile_k", &C::tile_k, "elements", "reduction per engine step", 1, 1 << 12)
            .text("pe_format", &C::pe_format, "multiplier operand format; weights are dequantized to it (fp16)")
            .u64("weight_reuse_m", &C::weight_reuse_m, "sub-tiles",
                 "tile_m-row sub-tiles an engine runs per weight fragment read (accumulators x this)", 1, 1024)
            .u64("acc_bits", &C::acc_bits, "bits", "accumulator and adder-tree width", 8, 64)
            .u64("act_sram_kb", &C::act_sram_kb, "KiB", "activation buffer", 1, 1 << 24)
            .u64("weight_sram_kb", &C::weight_sram_kb, "KiB", "weight buffer", 1, 1 << 24)
            .u64("out_sram_kb", &C::out_sram_kb, "KiB", "output buffer", 1, 1 << 24)
            .u64("sram_width_bits", &C::sram_width_bits, "bits", "access width of each buffer", 8, 8192);
    return t;
}

void MacTensorCoreConfig::validate(const std::string& path, sim::Errors& errs) const {
    try {
        const models::Format f = models::parse_format(pe_format);
        if (f.has_metadata() || !(f.is_float() || f.kind == models::NumKind::integer))
            errs.add(path + ".pe_format", "must be a plain integer or float format (fp16, bf16, int8), got '" +
                                              pe_format + "'");
    } catch (const models::FormatError& e) {
        errs.add(path + ".pe_format", e.what());
    }
}

models::LutCoreParams MacTensorCoreConfig::params() const {
    models::LutCoreParams p;
    p.datapath = models::TcDatapath::mac;
    p.engines = engines;
    p.tile_m = tile_m;
    p.tile_n = tile_n;
    p.tile_k = tile_k;
    p.lookup_ports = tile_n;
    p.acc_bits = static_cast<uint32_t>(acc_bits);
    p.weight_reuse_m = weight_reuse_m;
    p.mac_format = models::parse_format(pe_format);
    p.act_sram_bytes = act_sram_kb * 1024;
    p.weight_sram_bytes = weight_sram_kb * 1024;
    p.out_sram_bytes = out_sram_kb * 1024;
    p.table_sram_bytes = 0;
    return p;
}

MacTensorCore::MacTensorCore(sc_core::sc_module_name name, const MacTensorCoreConfig& cfg,
                             const sim::BuildContext& ctx)
    : UnitBase(name, ctx), m_cfg(cfg), m_params(cfg.params()) {}

std::string MacTensorCore::check(const models::Op& op) const { return models::lut_core_support(op, m_params); }

models::TilePlan MacTensorCore::plan(const models::Op& op) const { return models::lut_core_plan(op, m_params); }

void MacTensorCore::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    const models::LutCoreParams& p = m_params;
    const models::Format& pe = p.mac_format;
    const int acc = static_cast<int>(p.acc_bits);
    const uint32_t w = static_cast<uint32_t>(m_cfg.sram_width_bits);
    // One MAC: pe×pe multiplier + one acc_bits add (the tile_k − 1 adder-tree adds and the
    // accumulate add of a lane, per product).
    out.pj_per_action["mac"] = E::mac_pj(tech, pe, pe, acc);
    // Dequantize one weight: integer → pe_format conversion (normalize: ≈ one 16-bit integer add,
    // derivation) and the multiply by its scale (pe × pe multiplier).
    out.pj_per_action["dequant"] = E::mult_pj(tech, pe, pe) + E::add_pj(tech, 16, false);
    out.pj_per_action["operand_reg_bits"] = E::regfile_pj_per_bit(tech);
    const uint64_t act_b = p.act_sram_bytes, wt_b = p.weight_sram_bytes, out_b = p.out_sram_bytes;
    out.pj_per_action["sram_read_bits.act"] = E::sram_read_pj_per_bit(tech, act_b, w);
    out.pj_per_action["sram_write_bits.act"] = E::sram_write_pj_per_bit(tech, act_b, w);
    out.pj_per_action["sram_read_bits.weight"] = E::sram_read_pj_per_bit(tech, wt_b, w);
    out.pj_per_action["sram_write_bits.weight"] = E::sram_write_pj_per_bit(tech, wt_b, w);
    out.pj_per_action["sram_read_bits.out"] = E::sram_read_pj_per_bit(tech, out_b, w);
    out.pj_per_action["sram_write_bits.out"] = E::sram_write_pj_per_bit(tech, out_b, w);

    // One engine: tile_m·tile_n·tile_k MAC lanes, tile_m·tile_n·weight_reuse_m accumulator registers, operand
    // registers (tile_m + tile_n)·tile_k, and tile_k·tile_n dequantizers (one per weight entering
    // per cycle).
    const double reg = A::regfile_um2_per_bit(tech);
    const double macs = static_cast<double>(p.tile_m * p.tile_n * p.tile_k) * A::mac_um2(tech, pe, pe, acc);
    const double regs = (static_cast<double>(p.tile_m * p.tile_n * p.weight_reuse_m) * acc +
                         static_cast<double>((p.tile_m + p.tile_n) * p.tile_k) * pe.bits) * reg;
    const double deq = static_cast<double>(p.tile_k * p.tile_n) * (A::mult_um2(tech, pe, pe) + A::add_um2(tech, 16, false));
    const double eng = static_cast<double>(p.engines);
    out.area_mm2["mac_lanes"] = eng * (macs + regs) * 1e-6;
    out.area_mm2["dequant"] = eng * deq * 1e-6;
    out.area_mm2["act_sram"] = A::sram_mm2(tech, act_b, w);
    out.area_mm2["weight_sram"] = A::sram_mm2(tech, wt_b, w);
    out.area_mm2["out_sram"] = A::sram_mm2(tech, out_b, w);
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<MacTensorCore, MacTensorCoreConfig>(
    sim::Role::unit, "mac_tensor_core",
    "MAC tensor core: FP16 x INT dequantize-then-multiply baseline of lut_tensor_core");

}  // namespace qasim::hw

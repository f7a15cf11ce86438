#include "hw/lut_core/mac_tensor_core.h"

#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<MacTensorCoreConfig>& MacTensorCoreConfig::fields() {
    using C = MacTensorCoreConfig;
    static const TensorCoreFieldText kText{
        "dot-product engines side by side", "rows per engine step", "columns per engine step",
        "reduction per engine step", "accumulator and adder-tree width", "activation buffer"};
    static const auto t = [] {
        sim::FieldTable<C> f;
        add_engine_fields(f, kText)
            .text("pe_format", &C::pe_format,
                  "multiplier operand format; weights are dequantized to it (fp16)");
        add_buffer_fields(f, kText);
        return f;
    }();
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
    models::LutCoreParams p = engine_params(*this, models::TcDatapath::mac);
    p.lookup_ports = tile_n;
    p.mac_format = models::parse_format(pe_format);
    p.table_sram_bytes = 0;
    return p;
}

MacTensorCore::MacTensorCore(sc_core::sc_module_name name, const MacTensorCoreConfig& cfg,
                             const sim::BuildContext& ctx)
    : TensorCoreUnit(name, ctx, cfg.params()), m_cfg(cfg) {}

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
    add_buffer_costs(tech, out, "act", p.act_sram_bytes, w);
    add_buffer_costs(tech, out, "weight", p.weight_sram_bytes, w);
    add_buffer_costs(tech, out, "out", p.out_sram_bytes, w);

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
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<MacTensorCore, MacTensorCoreConfig>(
    sim::Role::unit, "mac_tensor_core",
    "MAC tensor core: FP16 x INT dequantize-then-multiply baseline of lut_tensor_core");

}  // namespace qasim::hw

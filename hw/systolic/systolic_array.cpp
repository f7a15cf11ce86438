#include "hw/systolic/systolic_array.h"

#include "hw/common/pe_format.h"
#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<SystolicArrayConfig>& SystolicArrayConfig::fields() {
    using C = SystolicArrayConfig;
    static const auto t =
        sim::FieldTable<C>()
            .u64("rows", &C::rows, "PEs", "PE rows (R)", 1, 1 << 16)
            .u64("cols", &C::cols, "PEs", "PE columns (C)", 1, 1 << 16)
            .choice("dataflow", &C::dataflow, "stationary operand: output, weight or input",
                    {{"os", models::Dataflow::os}, {"ws", models::Dataflow::ws}, {"is", models::Dataflow::is}})
            .choice("mode", &C::mode, "timing convention: SCALE-Sim v2 parity or the physical array",
                    {{"scalesim", models::SystolicMode::scalesim}, {"physical", models::SystolicMode::physical}})
            .u64("ifmap_sram_kb", &C::ifmap_sram_kb, "KiB", "operand A buffer", 1, 1 << 24)
            .u64("filter_sram_kb", &C::filter_sram_kb, "KiB", "operand B buffer", 1, 1 << 24)
            .u64("ofmap_sram_kb", &C::ofmap_sram_kb, "KiB", "output / partial-sum buffer", 1, 1 << 24)
            .u64("sram_width_bits", &C::sram_width_bits, "bits", "access width of each buffer", 8, 8192)
            .text("pe_format", &C::pe_format, "PE operand datapath format (int8, fp16, bf16, fp8_e4m3, ...)")
            .u64("acc_bits", &C::acc_bits, "bits", "accumulator width", 8, 64)
            .boolean("k_split", &C::k_split,
                     "output stationary with one row fold (decode GEMVs): stream each fold's K "
                     "range in the fewest pieces that let the next piece load while this one "
                     "computes (double buffering); false: whole-K folds, which serialize load and "
                     "compute when a fold's K-long slices do not fit their buffers twice");
    return t;
}

void SystolicArrayConfig::validate(const std::string& path, sim::Errors& errs) const {
    try {
        models::parse_format(pe_format);
    } catch (const models::FormatError& e) {
        errs.add(path + ".pe_format", e.what());
    }
}

models::SystolicParams SystolicArrayConfig::params() const {
    models::SystolicParams p;
    p.rows = rows;
    p.cols = cols;
    p.dataflow = dataflow;
    p.mode = mode;
    p.ifmap_sram_bytes = ifmap_sram_kb * 1024;
    p.filter_sram_bytes = filter_sram_kb * 1024;
    p.ofmap_sram_bytes = ofmap_sram_kb * 1024;
    p.acc_bits = static_cast<uint32_t>(acc_bits);
    p.k_split = k_split;
    return p;
}

SystolicArray::SystolicArray(sc_core::sc_module_name name, const SystolicArrayConfig& cfg, const sim::BuildContext& ctx)
    : UnitBase(name, ctx), m_cfg(cfg), m_params(cfg.params()), m_pe(models::parse_format(cfg.pe_format)) {}

std::string SystolicArray::check(const models::Op& op) const {
    if (!models::is_matmul(op.kind))
        return std::string("a systolic array runs matmul ops (gemm, gemv, attention_qk, attention_pv), not ") +
               models::to_string(op.kind);
    if (auto why = pe_fit(op.a, m_pe); !why.empty()) return "A: " + why;
    if (auto why = pe_fit(op.b, m_pe); !why.empty()) return "B: " + why;
    return "";
}

models::TilePlan SystolicArray::plan(const models::Op& op) const { return models::systolic_plan(op, m_params); }

void SystolicArray::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    const int acc = static_cast<int>(m_cfg.acc_bits);
    const uint32_t w = static_cast<uint32_t>(m_cfg.sram_width_bits);
    // A MAC: multiplier + accumulator adder of the PE datapath (models/energy laws), plus the
    // systolic hand-over that goes with it: the streamed operand moves one PE on and the partial sum
    // (or the stationary output's neighbour data) one PE on, i.e. operand bits + accumulator bits of
    // register writes per MAC (derivation, no separate source).
    out.pj_per_action["mac"] = E::mac_pj(tech, m_pe, m_pe, acc) + (m_pe.bits + acc) * E::regfile_pj_per_bit(tech);
    // Mapped PEs during fill/drain hold their registers without valid data: the pipeline registers
    // are valid-gated, so these cycles cost no dynamic energy; their static power is the leakage term.
    out.pj_per_action["pe_active_cycles"] = 0.0;
    out.pj_per_action["pe_stationary_loads"] = m_pe.bits * E::regfile_pj_per_bit(tech);
    // OliVe OVP decode, one per OVP-encoded operand element read from its buffer: code of 4/8 bits
    // plus the pair's outlier flag → exponent + integer (bits + 3), a 2·2^4-entry table for ovp4
    // (same derivation and price as hw/bitserial/bitserial_array.cpp; OliVe decoder,
    // published_numbers §5b).
    out.pj_per_action["ovp_decode"] = E::lut_read_pj(tech, 32, 7);
    out.pj_per_action["sram_read_bits.ifmap"] = E::sram_read_pj_per_bit(tech, m_params.ifmap_sram_bytes, w);
    out.pj_per_action["sram_read_bits.filter"] = E::sram_read_pj_per_bit(tech, m_params.filter_sram_bytes, w);
    out.pj_per_action["sram_write_bits.ofmap"] = E::sram_write_pj_per_bit(tech, m_params.ofmap_sram_bytes, w);
    out.pj_per_action["sram_read_bits.ofmap"] = E::sram_read_pj_per_bit(tech, m_params.ofmap_sram_bytes, w);
    // Area: PEs (MAC + pass-through A/B registers + stationary shadow + accumulator register) and buffers.
    const double pe_um2 = A::mac_um2(tech, m_pe, m_pe, acc) +
                          (3.0 * m_pe.bits + acc) * A::regfile_um2_per_bit(tech);
    out.area_mm2["pe_array"] = static_cast<double>(m_cfg.rows * m_cfg.cols) * pe_um2 * 1e-6;
    out.area_mm2["ifmap_sram"] = A::sram_mm2(tech, m_params.ifmap_sram_bytes, w);
    out.area_mm2["filter_sram"] = A::sram_mm2(tech, m_params.filter_sram_bytes, w);
    out.area_mm2["ofmap_sram"] = A::sram_mm2(tech, m_params.ofmap_sram_bytes, w);
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<SystolicArray, SystolicArrayConfig>(
    sim::Role::unit, "systolic_array", "R x C systolic array (os/ws/is), SCALE-Sim v2 folds or physical timing");

}  // namespace qasim::hw

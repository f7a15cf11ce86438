#include "hw/lut_core/lut_tensor_core.h"

#include <algorithm>

#include "models/energy/tech.h"

namespace qasim::hw {

namespace {
int ceil_log2(uint64_t x) {
    int l = 0;
    while ((uint64_t{1} << l) < x) ++l;
    return l;
}
}  // namespace

const sim::FieldTable<LutTensorCoreConfig>& LutTensorCoreConfig::fields() {
    using C = LutTensorCoreConfig;
    static const TensorCoreFieldText kText{
        "LMMA engines side by side (tables broadcast)",
        "rows per engine step (LUT Tensor Core: 2)",
        "columns per engine step (LUT Tensor Core: 64)",
        "reduction per engine step, multiple of group_k (LUT Tensor Core: 4)",
        "accumulator width",
        "activation buffer (precompute: on_chip)"};
    static const auto t = [] {
        sim::FieldTable<C> f;
        add_engine_fields(f, kText)
            .u64("group_k", &C::group_k, "elements", "activations per table (g); 2^g or 2^(g-1) entries", 1, 8)
            .boolean("symmetric_table", &C::symmetric_table, "store 2^(g-1) entries, sign applied by the weight bit")
            .choice("precompute", &C::precompute,
                    "tables built on this unit (on_chip) or by the preceding op and loaded (fused)",
                    {{"on_chip", models::Precompute::on_chip}, {"fused", models::Precompute::fused}})
            .u64("precompute_entries_per_cycle", &C::precompute_entries_per_cycle, "entries/cycle",
                 "table entries the precompute stage builds per cycle (on_chip)", 1, 1 << 16)
            .u64("lookup_ports", &C::lookup_ports, "reads/cycle", "reads of one table per cycle (1..tile_n)", 1, 1 << 12)
            .u64("table_bits", &C::table_bits, "bits", "table entry width; 0 = from act_format", 0, 32)
            .text("act_format", &C::act_format,
                  "activation datapath the tables are built for (fp16, int8, fp8_e4m3)");
        add_buffer_fields(f, kText, &C::table_sram_kb);
        return f;
    }();
    return t;
}

void LutTensorCoreConfig::validate(const std::string& path, sim::Errors& errs) const {
    if (tile_k % group_k != 0)
        errs.add(path + ".tile_k", "must be a multiple of group_k (" + std::to_string(group_k) + "), got " +
                                       std::to_string(tile_k));
    if (lookup_ports > tile_n)
        errs.add(path + ".lookup_ports", "must be at most tile_n (" + std::to_string(tile_n) + "), got " +
                                             std::to_string(lookup_ports));
    if (table_bits != 0 && table_bits < 4)
        errs.add(path + ".table_bits", "must be 0 (from act_format) or 4..32, got " + std::to_string(table_bits));
    try {
        const models::Format f = models::parse_format(act_format);
        const bool ok = (f.kind == models::NumKind::integer && f.bits >= 2 && f.bits <= 8 && !f.has_metadata()) ||
                        (f.is_float() && (f.bits == 16 || f.bits == 8) && !f.has_metadata());
        if (!ok)
            errs.add(path + ".act_format",
                     "must be an int2..int8, fp16, bf16 or fp8 activation format, got '" + act_format + "'");
    } catch (const models::FormatError& e) {
        errs.add(path + ".act_format", e.what());
    }
}

models::LutCoreParams LutTensorCoreConfig::params() const {
    models::LutCoreParams p = engine_params(*this, models::TcDatapath::lut);
    p.group_k = group_k;
    p.symmetric_table = symmetric_table;
    p.precompute = precompute;
    p.precompute_entries_per_cycle = precompute_entries_per_cycle;
    p.lookup_ports = lookup_ports;
    p.table_bits = static_cast<uint32_t>(table_bits);
    p.act_format = models::parse_format(act_format);
    p.table_sram_bytes = table_sram_kb * 1024;
    return p;
}

LutTensorCore::LutTensorCore(sc_core::sc_module_name name, const LutTensorCoreConfig& cfg,
                             const sim::BuildContext& ctx)
    : TensorCoreUnit(name, ctx, cfg.params()), m_cfg(cfg) {}

void LutTensorCore::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    const models::LutCoreParams& p = m_params;
    const bool fl = p.act_format.is_float();
    const uint32_t entries = static_cast<uint32_t>(models::lut_table_entries(p.group_k, p.symmetric_table));
    const uint32_t ebits = models::lut_entry_bits(p.act_format, p.group_k, p.table_bits);
    const int acc = static_cast<int>(p.acc_bits);
    const uint64_t gpk = p.tile_k / p.group_k;
    const int tree_bits = static_cast<int>(ebits) + (fl ? 0 : ceil_log2(gpk));
    const uint64_t lanes_n = std::min(p.tile_n, p.lookup_ports);
    const uint32_t w = static_cast<uint32_t>(m_cfg.sram_width_bits);
    const models::Format fp16 = models::parse_format("fp16");
    // Float accumulators apply the plane shift 2^p as an exponent add (8-bit integer add, fp32
    // exponent width); integer shifts are wiring (derivation, no separate source).
    const double exp_add_pj = fl ? E::add_pj(tech, 8, false) : 0.0;
    const double exp_add_um2 = fl ? A::add_um2(tech, 8, false) : 0.0;

    // Lookup: entry_bits-wide mux tree over the table registers (models/energy lut_read_pj), plus
    // the conditional negation of a symmetric table (entry_bits XOR gates; for floats the sign bit
    // alone flips, counted as entry_bits as an upper bound; derivation).
    out.pj_per_action["lookup"] =
        E::lut_read_pj(tech, entries, ebits) + (p.symmetric_table ? ebits * tech.bitwise_pj_per_bit : 0.0);
    out.pj_per_action["tree_add"] = E::add_pj(tech, tree_bits, fl);
    out.pj_per_action["shift_acc"] = E::add_pj(tech, acc, fl) + exp_add_pj;
    out.pj_per_action["bias_add"] = E::add_pj(tech, acc, fl);
    // Scale after the planes: fp16 multiply + accumulate into the float result.
    out.pj_per_action["rescale"] = E::mult_pj(tech, fp16, fp16) + E::add_pj(tech, acc, true);
    out.pj_per_action["table_build"] = 0.0;  // cost counted by table_build_add and sram_write_bits.table
    out.pj_per_action["table_build_add"] = E::add_pj(tech, static_cast<int>(ebits), fl);
    out.pj_per_action["lut_write"] = E::lut_write_pj(tech, ebits);
    out.pj_per_action["operand_reg_bits"] = E::regfile_pj_per_bit(tech);
    // Buffers; the activation buffer exists (has area) only when the tables are built here.
    const bool on_chip = p.precompute == models::Precompute::on_chip;
    add_buffer_costs(tech, out, "act", p.act_sram_bytes, w, on_chip);
    add_buffer_costs(tech, out, "table", p.table_sram_bytes, w);
    add_buffer_costs(tech, out, "weight", p.weight_sram_bytes, w);
    add_buffer_costs(tech, out, "out", p.out_sram_bytes, w);

    // Area of one engine: table registers, per-port mux trees (+ sign XOR), adder trees,
    // accumulators (adder + register + exponent adder), weight-plane registers.
    const double tables = static_cast<double>(p.tile_m * gpk);
    const double reg = A::regfile_um2_per_bit(tech);
    const double gate = tech.bitwise_um2_per_bit;
    const double lanes = static_cast<double>(p.tile_m * lanes_n);
    const double table_regs = tables * entries * ebits * reg;
    const double muxes = tables * static_cast<double>(lanes_n) *
                         ((entries - 1.0) * ebits + (p.symmetric_table ? ebits : 0.0)) * gate;
    const double trees = lanes * static_cast<double>(gpk - 1) * A::add_um2(tech, tree_bits, fl);
    // weight_reuse_m sub-tiles share a lane's adder but each keeps its accumulator register.
    const double reuse = static_cast<double>(p.weight_reuse_m);
    const double accs = lanes * (A::add_um2(tech, acc, fl) + reuse * acc * reg + exp_add_um2);
    const double wregs = static_cast<double>(p.tile_k * lanes_n) * reg;
    const double eng = static_cast<double>(p.engines);
    out.area_mm2["lut_tables"] = eng * (table_regs + muxes) * 1e-6;
    out.area_mm2["adders"] = eng * (trees + accs + wregs) * 1e-6;
    if (on_chip) {
        // Precompute stage: one entry-wide adder per entry built per cycle.
        out.area_mm2["precompute"] =
            static_cast<double>(p.precompute_entries_per_cycle) * A::add_um2(tech, static_cast<int>(ebits), fl) * 1e-6;
    }
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<LutTensorCore, LutTensorCoreConfig>(
    sim::Role::unit, "lut_tensor_core",
    "LUT tensor core: low-bit weights x int8/fp16/fp8 activations by table lookup (LUT Tensor Core, T-MAC)");

}  // namespace qasim::hw

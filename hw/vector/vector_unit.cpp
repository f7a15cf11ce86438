#include "hw/vector/vector_unit.h"

#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<VectorUnitConfig>& VectorUnitConfig::fields() {
    using C = VectorUnitConfig;
    static const auto t = [] {
        sim::FieldTable<C> t;
        t.u64("lanes", &C::lanes, "lanes", "element operations per cycle", 1, 1 << 20)
            .u64("buffer_kb", &C::buffer_kb, "KiB", "local buffer", 1, 1 << 24)
            .u64("sram_width_bits", &C::sram_width_bits, "bits", "buffer access width", 8, 8192)
            .text("lane_format", &C::lane_format, "lane datapath format (fp16, fp32, int8, ...)");
        // One override per non-matmul op kind, e.g. softmax_cycles_per_elem: 3.
        static std::vector<std::string> keys;  // FieldTable keeps const char*: keep the strings alive
        for (const auto& name : models::op_kind_names()) {
            models::OpKind k;
            models::parse_op_kind(name, &k);
            if (models::is_matmul(k)) continue;
            keys.push_back(name + "_cycles_per_elem");
        }
        for (const auto& key : keys) {
            models::OpKind k;
            models::parse_op_kind(key.substr(0, key.size() - std::string("_cycles_per_elem").size()), &k);
            t.custom(
                key.c_str(), "integer", "cycles", "cycles per element per lane (default: the op's operations per element)",
                ">= 1",
                [k](C& c, const std::string& v, std::string* err) {
                    uint64_t x = 0;
                    if (!sim::parse_u64_text(v, &x) || x < 1 || x > 1000000) {
                        *err = "must be an integer in [1, 1000000], got '" + v + "'";
                        return false;
                    }
                    c.cycles_per_elem[k] = x;
                    return true;
                },
                [k](const C& c) {
                    auto it = c.cycles_per_elem.find(k);
                    return it == c.cycles_per_elem.end() ? std::to_string(models::VectorParams{}.cycles_per_element(k))
                                                         : std::to_string(it->second);
                });
        }
        return t;
    }();
    return t;
}

void VectorUnitConfig::validate(const std::string& path, sim::Errors& errs) const {
    try {
        models::parse_format(lane_format);
    } catch (const models::FormatError& e) {
        errs.add(path + ".lane_format", e.what());
    }
}

VectorUnit::VectorUnit(sc_core::sc_module_name name, const VectorUnitConfig& cfg, const sim::BuildContext& ctx)
    : UnitBase(name, ctx), m_cfg(cfg), m_lane(models::parse_format(cfg.lane_format)) {
    m_params.lanes = cfg.lanes;
    m_params.buffer_bytes = cfg.buffer_kb * 1024;
    m_params.cycles_per_elem = cfg.cycles_per_elem;
}

std::string VectorUnit::check(const models::Op& op) const {
    if (models::is_matmul(op.kind))
        return std::string("a vector unit does not run matmul ops (") + models::to_string(op.kind) + ")";
    if (op.elems == 0) return "elems must be >= 1";
    return "";
}

models::TilePlan VectorUnit::plan(const models::Op& op) const { return models::vector_plan(op, m_params); }

void VectorUnit::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    const uint64_t buf = m_params.buffer_bytes;
    const uint32_t w = static_cast<uint32_t>(m_cfg.sram_width_bits);
    // One element operation ≈ one fused multiply-add in the lane format (upper bound: adds and
    // compares cost less, exp/div are multi-op sequences already counted as several ops).
    out.pj_per_action["vec_op"] = E::mac_pj(tech, m_lane, m_lane, m_lane.bits);
    // A transcendental (exp, erf, sigmoid) by range reduction + degree-5 polynomial: ≈ 6 FMAs
    // (Cody-Waite reduction 1 FMA + Horner 5 FMAs; derivation, no separate source).
    out.pj_per_action["vec_special"] = 6.0 * out.pj_per_action["vec_op"];
    out.pj_per_action["vec_buffer_read_bits"] = E::sram_read_pj_per_bit(tech, buf, w);
    out.pj_per_action["vec_buffer_write_bits"] = E::sram_write_pj_per_bit(tech, buf, w);
    out.area_mm2["lanes"] = static_cast<double>(m_cfg.lanes) *
                            (A::mac_um2(tech, m_lane, m_lane, m_lane.bits) + 3.0 * m_lane.bits * A::regfile_um2_per_bit(tech)) * 1e-6;
    out.area_mm2["buffer"] = A::sram_mm2(tech, buf, w);
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<VectorUnit, VectorUnitConfig>(
    sim::Role::unit, "vector_unit", "Vector unit: lanes x element ops per cycle for non-GEMM ops");

}  // namespace qasim::hw

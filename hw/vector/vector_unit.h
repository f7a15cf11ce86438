#pragma once
// `type: vector_unit`: lanes × element operations per cycle for softmax, norms, activations,
// quant/dequant and residual adds (models/vector/vector_model.h has the per-op cycle table).
#include <map>

#include "hw/common/unit_base.h"
#include "models/vector/vector_model.h"
#include "sim/fields.h"

namespace qasim::hw {

struct VectorUnitConfig {
    uint64_t lanes = 128;           ///< element operations per cycle
    uint64_t buffer_kb = 256;       ///< local buffer (KiB): tiles are chunks that fit it
    uint64_t sram_width_bits = 256; ///< buffer access width (bits)
    std::string lane_format = "fp16";  ///< lane datapath format (sets op energy and area)
    /// Cycles per element per lane by op kind (`<op>_cycles_per_elem`); absent = the model's
    /// default (its operations per element, models/vector/vector_model.h).
    std::map<models::OpKind, uint64_t> cycles_per_elem;

    static const sim::FieldTable<VectorUnitConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
};

class VectorUnit : public UnitBase {
public:
    VectorUnit(sc_core::sc_module_name name, const VectorUnitConfig& cfg, const sim::BuildContext& ctx);
    std::string check(const models::Op& op) const override;
    models::TilePlan plan(const models::Op& op) const override;
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const VectorUnitConfig m_cfg;
    models::VectorParams m_params;
    const models::Format m_lane;
};

}  // namespace qasim::hw

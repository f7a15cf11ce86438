#pragma once
// `type: systolic_array`: R×C PEs with os/ws/is dataflow. Folds, fill/drain skew and SRAM operand
// accesses as SCALE-Sim v2 counts them (mode: scalesim, the default) or as the array is built
// (mode: physical); see models/systolic/systolic_model.h for the closed forms.
#include "hw/common/unit_base.h"
#include "models/systolic/systolic_model.h"
#include "sim/fields.h"

namespace qasim::hw {

struct SystolicArrayConfig {
    uint64_t rows = 128;                           ///< PE rows (R)
    uint64_t cols = 128;                           ///< PE columns (C)
    models::Dataflow dataflow = models::Dataflow::ws;
    models::SystolicMode mode = models::SystolicMode::scalesim;
    uint64_t ifmap_sram_kb = 1024;                 ///< operand A buffer (KiB)
    uint64_t filter_sram_kb = 1024;                ///< operand B buffer (KiB)
    uint64_t ofmap_sram_kb = 512;                  ///< output / partial-sum buffer (KiB)
    uint64_t sram_width_bits = 256;                ///< access width of each buffer (bits)
    std::string pe_format = "int8";                ///< operand datapath of a PE (sets MAC energy/area)
    uint64_t acc_bits = 32;                        ///< accumulator width (bits)
    bool k_split = true;  ///< OS GEMVs: stream a fold's K range in pieces (models/systolic)

    static const sim::FieldTable<SystolicArrayConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::SystolicParams params() const;
};

class SystolicArray : public UnitBase {
public:
    SystolicArray(sc_core::sc_module_name name, const SystolicArrayConfig& cfg, const sim::BuildContext& ctx);
    std::string check(const models::Op& op) const override;
    models::TilePlan plan(const models::Op& op) const override;
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const SystolicArrayConfig m_cfg;
    const models::SystolicParams m_params;
    const models::Format m_pe;
};

}  // namespace qasim::hw

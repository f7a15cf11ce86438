#pragma once
// `type: lut_tensor_core`: mixed-precision GEMM by table lookup (LUT Tensor Core, Mo et al. ISCA 2025;
// T-MAC, Wei et al. EuroSys 2025). Activation groups of group_k build tables of signed sums (halved
// by symmetry), weights are read as bit-planes that index the tables, planes are combined by
// shift-and-add. Closed forms: models/lut_core/lut_model.h.
#include "hw/lut_core/tensor_core_base.h"

namespace qasim::hw {

/// Configuration of a LUT tensor core (`qasim describe lut_tensor_core`). Its engines are LMMA
/// engines (tables broadcast to all); act_sram_kb is used with precompute: on_chip.
struct LutTensorCoreConfig : TensorCoreCommonConfig {
    uint64_t tile_m = 2;              ///< rows per engine step (LUT TC: M2)
    uint64_t tile_n = 64;             ///< columns per engine step (LUT TC: N64)
    uint64_t tile_k = 4;              ///< reduction per engine step (LUT TC: K4), multiple of group_k
    uint64_t group_k = 4;             ///< activations per table (g)
    bool symmetric_table = true;      ///< 2^(g-1) entries with the sign from the weight bit
    models::Precompute precompute = models::Precompute::on_chip;  ///< where tables are built
    uint64_t precompute_entries_per_cycle = 16;  ///< table entries built per cycle (on_chip)
    uint64_t lookup_ports = 64;       ///< reads of one table per cycle (1..tile_n)
    uint64_t table_bits = 0;          ///< table entry width (bits); 0 = from act_format
    std::string act_format = "fp16";  ///< activation datapath the tables/adders are built for
    uint64_t table_sram_kb = 1024;    ///< table buffer (KiB)

    static const sim::FieldTable<LutTensorCoreConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::LutCoreParams params() const;
};

class LutTensorCore : public TensorCoreUnit {
public:
    LutTensorCore(sc_core::sc_module_name name, const LutTensorCoreConfig& cfg, const sim::BuildContext& ctx);
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const LutTensorCoreConfig m_cfg;
};

}  // namespace qasim::hw

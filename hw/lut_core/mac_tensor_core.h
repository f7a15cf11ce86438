#pragma once
// `type: mac_tensor_core`: the MAC baseline of the LUT tensor core: engines of tile_m × tile_n ×
// tile_k multiply-accumulate lanes in `pe_format` (fp16) that dequantize integer weights to
// pe_format before multiplying (FP16×INT dequantize-then-multiply). Same blocking, buffers and
// tile plan conventions as lut_tensor_core (models/lut_core/lut_model.h, MAC datapath).
#include "hw/common/unit_base.h"
#include "models/lut_core/lut_model.h"
#include "sim/fields.h"

namespace qasim::hw {

/// Configuration of a MAC tensor core (`qasim describe mac_tensor_core`).
struct MacTensorCoreConfig {
    uint64_t engines = 16;           ///< dot-product engines side by side
    uint64_t tile_m = 8;             ///< rows per engine step
    uint64_t tile_n = 8;             ///< columns per engine step
    uint64_t tile_k = 8;             ///< reduction per engine step (adder tree inputs)
    std::string pe_format = "fp16";  ///< multiplier operand format (weights dequantized to it)
    uint64_t weight_reuse_m = 1;      ///< tile_m-row sub-tiles run per dequantized weight fragment
    uint64_t acc_bits = 32;          ///< accumulator / adder-tree width (bits)
    uint64_t act_sram_kb = 512;      ///< activation buffer (KiB)
    uint64_t weight_sram_kb = 1024;  ///< weight buffer (KiB)
    uint64_t out_sram_kb = 256;      ///< output buffer (KiB)
    uint64_t sram_width_bits = 256;  ///< access width of each buffer (bits)

    static const sim::FieldTable<MacTensorCoreConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::LutCoreParams params() const;
};

class MacTensorCore : public UnitBase {
public:
    MacTensorCore(sc_core::sc_module_name name, const MacTensorCoreConfig& cfg, const sim::BuildContext& ctx);
    std::string check(const models::Op& op) const override;
    models::TilePlan plan(const models::Op& op) const override;
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const MacTensorCoreConfig m_cfg;
    const models::LutCoreParams m_params;
};

}  // namespace qasim::hw

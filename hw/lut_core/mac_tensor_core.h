#pragma once
// `type: mac_tensor_core`: the MAC baseline of the LUT tensor core: engines of tile_m × tile_n ×
// tile_k multiply-accumulate lanes in `pe_format` (fp16) that dequantize integer weights to
// pe_format before multiplying (FP16×INT dequantize-then-multiply). Same blocking, buffers and
// tile plan conventions as lut_tensor_core (models/lut_core/lut_model.h, MAC datapath).
#include "hw/lut_core/tensor_core_base.h"

namespace qasim::hw {

/// Configuration of a MAC tensor core (`qasim describe mac_tensor_core`). Its engines are
/// dot-product engines; acc_bits is also the adder-tree width.
struct MacTensorCoreConfig : TensorCoreCommonConfig {
    uint64_t tile_m = 8;             ///< rows per engine step
    uint64_t tile_n = 8;             ///< columns per engine step
    uint64_t tile_k = 8;             ///< reduction per engine step (adder tree inputs)
    std::string pe_format = "fp16";  ///< multiplier operand format (weights dequantized to it)

    static const sim::FieldTable<MacTensorCoreConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::LutCoreParams params() const;
};

class MacTensorCore : public TensorCoreUnit {
public:
    MacTensorCore(sc_core::sc_module_name name, const MacTensorCoreConfig& cfg, const sim::BuildContext& ctx);
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const MacTensorCoreConfig m_cfg;
};

}  // namespace qasim::hw

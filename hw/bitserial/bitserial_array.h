#pragma once
// `type: bitserial_array`: R×C PEs that consume one operand bits_per_cycle bits per cycle
// (Stripes, BitMoD) with per-group dequantization, BitMoD per-group datatype decode and OliVe OVP
// decoding; see models/bitserial/bitserial_model.h for the closed form and the actions counted.
// With bits_per_cycle ≥ the serial operand's bits it is a bit-parallel array (OliVe preset).
#include "hw/common/unit_base.h"
#include "models/bitserial/bitserial_model.h"
#include "sim/fields.h"

namespace qasim::hw {

/// Defaults: BitMoD's generation-stage array (published_numbers §5a: 64×16 PEs, dot-product size
/// 4, 512 KB weight + 512 KB input SRAM); Stripes' 1 bit per cycle; a 1-cycle dequant unit (BitMoD
/// synthesizes it as one registered stage at 1 GHz, hardware/PE_Area_Power.xlsx); a 128 KiB output
/// buffer (assumption: BitMoD's artifact has none; it holds a decode step's largest output,
/// LLaMA-2's 32000-entry FP16 logits = 62.5 KiB, twice).
struct BitserialArrayConfig {
    uint64_t rows = 64;  ///< PE rows (output channels)
    uint64_t cols = 16;  ///< PE columns (tokens)
    models::SerialOperand serial_operand =
        models::SerialOperand::weight;  ///< operand fed bit-serially
    uint64_t bits_per_cycle = 1;     ///< serial bits per cycle (Stripes: 1; BitMoD's artifact: 2)
    uint64_t dot_width = 4;          ///< K elements per PE per step (BitMoD: 4)
    uint64_t dequant_cycles = 1;     ///< latency of the per-PE group dequant unit (cycles)
    uint64_t weight_sram_kb = 512;   ///< weight (B) buffer (KiB)
    uint64_t act_sram_kb = 512;      ///< activation (A) buffer (KiB)
    uint64_t out_sram_kb = 128;      ///< output buffer (KiB)
    uint64_t sram_width_bits = 256;  ///< access width of each buffer (bits)
    std::string parallel_format =
        "fp16";              ///< bit-parallel operand datapath (fp16, int8, ovp4, ...)
    uint64_t acc_bits = 32;  ///< accumulator width (bits)
    /// Stream a GEMV tile's K range in pieces when its slice does not fit twice (double buffering;
    /// models/bitserial/bitserial_model.h "K-split"). false: whole-K tiles (BitMoD artifact).
    bool k_split = true;

    static const sim::FieldTable<BitserialArrayConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::BitserialParams params() const;
};

class BitserialArray : public UnitBase {
public:
    BitserialArray(sc_core::sc_module_name name, const BitserialArrayConfig& cfg,
                   const sim::BuildContext& ctx);
    std::string check(const models::Op& op) const override;
    models::TilePlan plan(const models::Op& op) const override;
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;

private:
    const BitserialArrayConfig m_cfg;
    const models::BitserialParams m_params;
};

}  // namespace qasim::hw

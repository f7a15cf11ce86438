#pragma once
// Number formats of quantized tensors: element bits, scale/zero metadata, bit-serial passes.
//
// Grammar of a format string (DESIGN.md §4, reference/workloads.md §3):
//   BASE[/GRANULARITY[/SCALE]]
//   BASE        int1..int16 | uint1..uint16 | fp32 | fp16 | bf16 | fp8_e4m3 | fp8_e5m2 | fp6_e3m2 |
//               fp6_e2m3 | fp4_e2m1 | mxint8 | mxfp8_e4m3 | mxfp8_e5m2 | mxfp6_e3m2 | mxfp6_e2m3 |
//               mxfp4 | nvfp4 | bitmod3 | bitmod4 | ovp4 | ovp8 | ternary | log2_N (N = 2..8)
//   GRANULARITY gG (one scale per G elements along the reduction dim K) | gnG (one scale per G
//               elements along N, the other dim of a stored K×N matrix: KIVI keys per-channel
//               over tokens and values per-token over channels on the B operand of qk/pv) |
//               mxG (shared E8M0 exponent per block of G) | nvG (E4M3 scale per G plus one FP32
//               per tensor) | channel | tensor
//   SCALE       fp16 | bf16 | fp32 | int8 | e8m0 | e4m3 | e4m3+fp32, with suffix `z` for an
//               asymmetric format that also stores a zero point of the same width (fp16z, fp16sz)
// Examples: int8, int4/g128, int4/g128/fp16sz, int2/g32/fp16sz (KIVI), fp4_e2m1/mx32, mxfp4, nvfp4,
// bitmod4/g128, ovp4, ternary, ternary/tensor/fp32.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qasim::models {

/// Thrown for a malformed or unknown format string; the message lists what is allowed.
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Family of the element encoding; decides which arithmetic a unit needs.
enum class NumKind : uint8_t {
    integer,  ///< two's complement (or unsigned) integer
    floating, ///< IEEE-like float with exp_bits/man_bits
    bitmod,   ///< BitMoD per-group mixture of FP3/FP4 variants with one extra special value
    ovp,      ///< OliVe outlier-victim pair encoding
    ternary,  ///< BitNet b1.58 {-1, 0, +1}
    log,      ///< logarithmic (power-of-two) codes, e.g. ViT post-softmax
};

/// How scale metadata is shared.
enum class Granularity : uint8_t { none, tensor, channel, group, mx_block, nv_block };

/// A parsed, validated number format.
struct Format {
    std::string spec = "fp16";       ///< canonical string, parse(spec) == *this
    NumKind kind = NumKind::floating;
    int bits = 16;                   ///< stored bits per element (payload)
    int exp_bits = 5;                ///< floating point only
    int man_bits = 10;               ///< floating point only
    bool is_signed = true;
    Granularity gran = Granularity::none;
    uint32_t group = 0;              ///< elements per scale group (group, mx_block, nv_block)
    bool group_along_n = false;      ///< group scales run along N instead of K (`gnG`)
    int scale_bits = 0;              ///< bits per scale
    int zero_bits = 0;               ///< bits per zero point (asymmetric formats)
    int tensor_scale_bits = 0;       ///< one extra per-tensor scale (nvfp4: FP32)

    bool is_float() const { return kind == NumKind::floating; }
    bool has_metadata() const { return scale_bits + zero_bits + tensor_scale_bits > 0; }
    /// Payload bits plus amortised metadata bits per element (for groups; per-channel/tensor
    /// metadata depends on the shape and is not included).
    double bits_per_element() const;
    /// Passes a bit-serial PE needs to consume one element of this format serially.
    int serial_passes() const;
    /// Width of the datapath operand a bit-parallel multiplier needs for this format
    /// (mantissa+sign for floats, bits for ints; BitMoD/OVP decode to small ints with shifts).
    int multiplier_bits() const;

    /// Storage of a matrix with `k` rows (reduction dim, along which groups run) and `n` columns.
    uint64_t payload_bytes(uint64_t k, uint64_t n) const;
    uint64_t meta_bytes(uint64_t k, uint64_t n) const;
    uint64_t matrix_bytes(uint64_t k, uint64_t n) const { return payload_bytes(k, n) + meta_bytes(k, n); }
    /// Storage of `elems` elements whose groups run along runs of `run` elements (run = K).
    uint64_t bytes(uint64_t elems, uint64_t run) const;

    bool operator==(const Format& o) const { return spec == o.spec; }
    bool operator!=(const Format& o) const { return !(*this == o); }
};

/// Parses a format string; throws FormatError naming the string and the valid forms.
Format parse_format(const std::string& spec);

/// Group size along K (the reduction) of a format's scales: g of `/gN` groups along K and of MX /
/// NVFP4 blocks; 0 if it has none along K (channel, tensor, groups along N, no scales).
uint64_t k_group(const Format& f);
/// The base names accepted by parse_format (for error messages and `qasim describe`).
const std::vector<std::string>& format_base_names();
/// One-line description of the grammar, for error messages.
std::string format_grammar();

}  // namespace qasim::models

#include "models/formats/format.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "models/text.h"

namespace qasim::models {
namespace {

struct Base {
    const char* name;
    NumKind kind;
    int bits, exp, man;
    Granularity gran;  // implied granularity (mx*, nvfp4), none otherwise
    uint32_t group;
    int scale_bits, tensor_scale_bits;
};

// Element encodings. Sources: OCP Microscaling Formats (MX) v1.0 spec (block 32, E8M0 scale,
// element types) as implemented in microsoft/microxcaling@7bc4195 mx/formats.py; NVFP4 block 16 with
// UE4M3 scale + FP32 per-tensor scale (reference/workloads.md §3); BitMoD FP3/FP4 variants
// (BitMoD-HPCA-25@e445a5f quant_weight.py); OliVe OVP 4/8-bit (ANT-Quantization@bc84067);
// BitNet b1.58 ternary packed in 2 bits (reference/workloads.md §3).
const Base kBases[] = {
    {"fp32", NumKind::floating, 32, 8, 23, Granularity::none, 0, 0, 0},
    {"fp16", NumKind::floating, 16, 5, 10, Granularity::none, 0, 0, 0},
    {"bf16", NumKind::floating, 16, 8, 7, Granularity::none, 0, 0, 0},
    {"fp8_e4m3", NumKind::floating, 8, 4, 3, Granularity::none, 0, 0, 0},
    {"fp8_e5m2", NumKind::floating, 8, 5, 2, Granularity::none, 0, 0, 0},
    {"fp6_e3m2", NumKind::floating, 6, 3, 2, Granularity::none, 0, 0, 0},
    {"fp6_e2m3", NumKind::floating, 6, 2, 3, Granularity::none, 0, 0, 0},
    {"fp4_e2m1", NumKind::floating, 4, 2, 1, Granularity::none, 0, 0, 0},
    {"mxint8", NumKind::integer, 8, 0, 7, Granularity::mx_block, 32, 8, 0},
    {"mxfp8_e4m3", NumKind::floating, 8, 4, 3, Granularity::mx_block, 32, 8, 0},
    {"mxfp8_e5m2", NumKind::floating, 8, 5, 2, Granularity::mx_block, 32, 8, 0},
    {"mxfp6_e3m2", NumKind::floating, 6, 3, 2, Granularity::mx_block, 32, 8, 0},
    {"mxfp6_e2m3", NumKind::floating, 6, 2, 3, Granularity::mx_block, 32, 8, 0},
    {"mxfp4", NumKind::floating, 4, 2, 1, Granularity::mx_block, 32, 8, 0},
    {"nvfp4", NumKind::floating, 4, 2, 1, Granularity::nv_block, 16, 8, 32},
    {"bitmod3", NumKind::bitmod, 3, 2, 0, Granularity::none, 0, 0, 0},
    {"bitmod4", NumKind::bitmod, 4, 2, 1, Granularity::none, 0, 0, 0},
    {"ovp4", NumKind::ovp, 4, 0, 3, Granularity::none, 0, 0, 0},
    {"ovp8", NumKind::ovp, 8, 0, 7, Granularity::none, 0, 0, 0},
    {"ternary", NumKind::ternary, 2, 0, 1, Granularity::none, 0, 0, 0},
};

[[noreturn]] void fail(const std::string& spec, const std::string& why) {
    throw FormatError("format '" + spec + "': " + why + ". Allowed: " + format_grammar());
}

bool parse_uint(const std::string& s, uint64_t* out) {
    if (s.empty() || s.size() > 9) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    *out = v;
    return true;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return b == 0 ? 0 : (a + b - 1) / b; }

}  // namespace

const std::vector<std::string>& format_base_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v = {"int1..int16", "uint1..uint16"};
        for (const auto& b : kBases) v.emplace_back(b.name);
        v.emplace_back("log2_2..log2_8");
        return v;
    }();
    return names;
}

std::string format_grammar() {
    std::ostringstream os;
    os << "BASE[/GRANULARITY[/SCALE]] with BASE one of {";
    const auto& names = format_base_names();
    for (size_t i = 0; i < names.size(); ++i) os << (i ? ", " : "") << names[i];
    os << "}, GRANULARITY one of {gG (groups along K), gnG (groups along N), mxG, nvG, channel, "
          "tensor} (G >= 1), SCALE one of {fp16, bf16, fp32, int8, e8m0, e4m3, e4m3+fp32} with "
          "optional suffix z or sz for a zero point "
          "(e.g. int4/g128, int2/g32/fp16sz, fp4_e2m1/mx32, nvfp4, bitmod4/g128, ovp4, ternary)";
    return os.str();
}

Format parse_format(const std::string& spec_in) {
    std::string spec = spec_in;
    if (spec.empty()) fail(spec_in, "empty format");
    std::transform(spec.begin(), spec.end(), spec.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto parts = split(spec, '/');
    if (parts.size() > 3) fail(spec_in, "too many '/' fields");
    Format f;
    const std::string& base = parts[0];
    bool found = false;
    uint64_t n = 0;
    if ((base.rfind("int", 0) == 0 && parse_uint(base.substr(3), &n)) ||
        (base.rfind("uint", 0) == 0 && parse_uint(base.substr(4), &n))) {
        if (n < 1 || n > 16) fail(spec_in, "integer width must be 1..16, got " + std::to_string(n));
        f.kind = NumKind::integer;
        f.bits = static_cast<int>(n);
        f.exp_bits = 0;
        f.man_bits = f.bits - 1;
        f.is_signed = base[0] == 'i';
        found = true;
    } else if (base.rfind("log2_", 0) == 0 && parse_uint(base.substr(5), &n)) {
        if (n < 2 || n > 8) fail(spec_in, "log2 width must be 2..8, got " + std::to_string(n));
        f.kind = NumKind::log;
        f.bits = static_cast<int>(n);
        f.exp_bits = f.bits;
        f.man_bits = 0;
        f.is_signed = false;
        found = true;
    } else {
        for (const auto& b : kBases) {
            if (base == b.name) {
                f.kind = b.kind;
                f.bits = b.bits;
                f.exp_bits = b.exp;
                f.man_bits = b.man;
                f.gran = b.gran;
                f.group = b.group;
                f.scale_bits = b.scale_bits;
                f.tensor_scale_bits = b.tensor_scale_bits;
                found = true;
            }
        }
    }
    if (!found) fail(spec_in, "unknown base '" + parts[0] + "'");
    const bool implied_block = f.gran == Granularity::mx_block || f.gran == Granularity::nv_block;

    if (parts.size() >= 2) {
        const std::string& g = parts[1];
        if (g.empty()) fail(spec_in, "empty granularity field");
        if (implied_block) fail(spec_in, "'" + base + "' already implies its block scaling");
        if (f.kind == NumKind::floating && f.bits >= 16 && g[0] == 'g')
            fail(spec_in, "a " + base + " tensor takes no group scale");
        if (g == "tensor") {
            f.gran = Granularity::tensor;
        } else if (g == "channel") {
            f.gran = Granularity::channel;
        } else if (g.rfind("gn", 0) == 0 && parse_uint(g.substr(2), &n)) {
            if (n < 1) fail(spec_in, "group size must be >= 1, got 0");
            f.gran = Granularity::group;
            f.group = static_cast<uint32_t>(n);
            f.group_along_n = true;
        } else if (g[0] == 'g' && parse_uint(g.substr(1), &n)) {
            if (n < 1) fail(spec_in, "group size must be >= 1, got 0");
            f.gran = Granularity::group;
            f.group = static_cast<uint32_t>(n);
        } else if (g.rfind("mx", 0) == 0 && parse_uint(g.substr(2), &n)) {
            if (n < 1) fail(spec_in, "block size must be >= 1, got 0");
            f.gran = Granularity::mx_block;
            f.group = static_cast<uint32_t>(n);
        } else if (g.rfind("nv", 0) == 0 && parse_uint(g.substr(2), &n)) {
            if (n < 1) fail(spec_in, "block size must be >= 1, got 0");
            f.gran = Granularity::nv_block;
            f.group = static_cast<uint32_t>(n);
            f.tensor_scale_bits = 32;
        } else {
            fail(spec_in, "unknown granularity '" + g + "'");
        }
        // Default scale widths: FP16 per group/channel (GPTQ/AWQ-style, KIVI), E8M0 for MX blocks
        // (OCP MX v1.0), E4M3 + FP32/tensor for NV blocks, FP32 per tensor (BitNet absmean), and
        // 8 bits per 128-weight group for BitMoD (its simulator charges 4.0625 b/weight at g128:
        // BitMoD-HPCA-25@e445a5f bitmod_sim).
        if (f.gran == Granularity::mx_block || f.gran == Granularity::nv_block) f.scale_bits = 8;
        else if (f.gran == Granularity::tensor) f.scale_bits = 32;
        else if (f.kind == NumKind::bitmod) f.scale_bits = 8;
        else f.scale_bits = 16;
    }
    if (parts.size() == 3) {
        std::string s = parts[2];
        if (implied_block || f.gran == Granularity::none) fail(spec_in, "a scale needs a granularity");
        bool zero = false;
        if (s.size() > 2 && s.compare(s.size() - 2, 2, "sz") == 0) {
            zero = true;
            s.resize(s.size() - 2);
        } else if (s.size() > 1 && s.back() == 'z') {
            zero = true;
            s.pop_back();
        }
        int sb = 0;
        if (s == "fp16" || s == "bf16") sb = 16;
        else if (s == "fp32") sb = 32;
        else if (s == "int8" || s == "e8m0" || s == "e4m3") sb = 8;
        else if (s == "e4m3+fp32") {
            sb = 8;
            f.tensor_scale_bits = 32;
        } else fail(spec_in, "unknown scale format '" + parts[2] + "'");
        if (zero && f.kind != NumKind::integer)
            fail(spec_in, "a zero point needs an integer element type");
        f.scale_bits = sb;
        f.zero_bits = zero ? sb : 0;
    }
    // Canonical spelling: lower case, as given (the grammar has one spelling per meaning).
    f.spec = spec;
    return f;
}

double Format::bits_per_element() const {
    double b = bits;
    if ((gran == Granularity::group || gran == Granularity::mx_block || gran == Granularity::nv_block) && group > 0)
        b += static_cast<double>(scale_bits + zero_bits) / group;
    return b;
}

int Format::serial_passes() const {
    switch (kind) {
    case NumKind::ternary: return 2;   // sign plane + magnitude plane
    case NumKind::floating: return man_bits + 1;  // mantissa with hidden bit, exponent aligned by shift
    default: return bits;
    }
}

int Format::multiplier_bits() const {
    switch (kind) {
    case NumKind::floating: return man_bits + 2;  // significand with hidden bit + sign
    case NumKind::ternary: return 2;
    case NumKind::bitmod: return 4;   // decoded FP3/FP4 magnitudes fit a 3-bit int plus sign, shifted
    default: return bits;
    }
}

uint64_t Format::payload_bytes(uint64_t k, uint64_t n) const {
    return ceil_div(k * n * static_cast<uint64_t>(bits), 8);
}

uint64_t Format::meta_bytes(uint64_t k, uint64_t n) const {
    const uint64_t per = static_cast<uint64_t>(scale_bits + zero_bits);
    uint64_t meta_bits = 0;
    switch (gran) {
    case Granularity::none: break;
    case Granularity::tensor: meta_bits = per; break;
    case Granularity::channel: meta_bits = n * per; break;
    case Granularity::group:
        // KIVI-style groups along N (gnG): every one of the k rows holds ceil(n/G) groups.
        if (group_along_n) {
            meta_bits = k * ceil_div(n, group) * per;
            break;
        }
        meta_bits = ceil_div(k, group) * n * per;
        break;
    case Granularity::mx_block:
    case Granularity::nv_block: meta_bits = ceil_div(k, group) * n * per; break;
    }
    meta_bits += static_cast<uint64_t>(tensor_scale_bits);
    return ceil_div(meta_bits, 8);
}

uint64_t Format::bytes(uint64_t elems, uint64_t run) const {
    if (run == 0) run = 1;
    return matrix_bytes(run, ceil_div(elems, run));
}

uint64_t k_group(const Format& f) {
    switch (f.gran) {
    case Granularity::group:
        return f.group_along_n ? 0 : f.group;
    case Granularity::mx_block:
    case Granularity::nv_block:
        return f.group;
    default:
        return 0;
    }
}

}  // namespace qasim::models

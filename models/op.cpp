#include "models/op.h"

namespace qasim::models {
namespace {
struct KindName {
    OpKind kind;
    const char* name;
};
const KindName kKinds[] = {
    {OpKind::gemm, "gemm"},         {OpKind::gemv, "gemv"},
    {OpKind::attention_qk, "attention_qk"}, {OpKind::attention_pv, "attention_pv"},
    {OpKind::softmax, "softmax"},   {OpKind::layernorm, "layernorm"},
    {OpKind::rmsnorm, "rmsnorm"},   {OpKind::gelu, "gelu"},
    {OpKind::silu, "silu"},         {OpKind::silu_mul, "silu_mul"},
    {OpKind::relu, "relu"},         {OpKind::relu2, "relu2"},
    {OpKind::relu2_mul, "relu2_mul"}, {OpKind::add, "add"},
    {OpKind::mul, "mul"},           {OpKind::rope, "rope"},
    {OpKind::quant, "quant"},       {OpKind::dequant, "dequant"},
    {OpKind::embedding, "embedding"}, {OpKind::kv_write, "kv_write"},
    {OpKind::lut_build, "lut_build"},
};
}  // namespace

const char* to_string(OpKind k) {
    for (const auto& e : kKinds)
        if (e.kind == k) return e.name;
    return "?";
}

const char* to_string(BSrc s) {
    switch (s) {
    case BSrc::weight: return "weight";
    case BSrc::kv: return "kv";
    case BSrc::act: return "act";
    }
    return "?";
}

bool parse_op_kind(const std::string& s, OpKind* out) {
    for (const auto& e : kKinds) {
        if (s == e.name) {
            *out = e.kind;
            return true;
        }
    }
    return false;
}

bool parse_b_src(const std::string& s, BSrc* out) {
    if (s == "weight") *out = BSrc::weight;
    else if (s == "kv") *out = BSrc::kv;
    else if (s == "act") *out = BSrc::act;
    else return false;
    return true;
}

const std::vector<std::string>& op_kind_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& e : kKinds) v.emplace_back(e.name);
        return v;
    }();
    return names;
}

bool is_matmul(OpKind k) {
    return k == OpKind::gemm || k == OpKind::gemv || k == OpKind::attention_qk || k == OpKind::attention_pv;
}

uint64_t Op::a_bytes() const {
    if (is_matmul(kind)) return a.matrix_bytes(k, m) * batch;  // groups run along k
    return a.bytes(elems, elems);
}

uint64_t Op::b_bytes() const {
    if (is_matmul(kind)) return b.matrix_bytes(k, n) * batch;
    return 0;
}

uint64_t Op::out_bytes() const {
    if (is_matmul(kind)) return out.payload_bytes(m, n) * batch;
    return out.bytes(elems, elems);
}

}  // namespace qasim::models

#pragma once
// Sums over generated traces used by the workload tests.
#include <cstdint>
#include <functional>
#include <string>

#include "workloads/generator.h"
#include "workloads/trace.h"

/// Expects `sub` inside the message `text` and prints the whole message otherwise.
#define EXPECT_HAS(text, sub)                                                                      \
    EXPECT_NE(std::string(text).find(sub), std::string::npos)                                      \
        << "expected to find: " << (sub) << "\nin: " << (text)

namespace qasim::workloads::test {

using models::BSrc;
using models::Op;
using models::OpKind;

inline uint64_t sum_if(const Trace& t, const std::function<bool(const Op&)>& pred,
                       const std::function<uint64_t(const Op&)>& val) {
    uint64_t s = 0;
    for (const auto& op : t.ops)
        if (pred(op)) s += val(op) * op.repeat;
    return s;
}

/// 2 FLOPs per MAC over every matmul row (GEMMs, attention, lm_head).
inline uint64_t matmul_flops(const Trace& t) { return 2 * t.total_macs(); }

inline bool is_weight_mm(const Op& op) {
    return models::is_matmul(op.kind) && op.b_src == BSrc::weight;
}
inline bool is_block(const Op& op) { return op.name.rfind("L.", 0) == 0; }

/// Payload bytes of the weight operands of per-layer rows (no metadata).
inline uint64_t block_weight_payload(const Trace& t) {
    return sum_if(
        t, [](const Op& op) { return is_weight_mm(op) && is_block(op); },
        [](const Op& op) { return op.b.payload_bytes(op.k, op.n) * op.batch; });
}
inline uint64_t block_weight_meta(const Trace& t) {
    return sum_if(
        t, [](const Op& op) { return is_weight_mm(op) && is_block(op); },
        [](const Op& op) { return op.b.meta_bytes(op.k, op.n) * op.batch; });
}
inline uint64_t kv_read_payload(const Trace& t) {
    return sum_if(
        t, [](const Op& op) { return models::is_matmul(op.kind) && op.b_src == BSrc::kv; },
        [](const Op& op) { return op.b.payload_bytes(op.k, op.n) * op.batch; });
}
inline uint64_t kv_read_meta(const Trace& t) {
    return sum_if(
        t, [](const Op& op) { return models::is_matmul(op.kind) && op.b_src == BSrc::kv; },
        [](const Op& op) { return op.b.meta_bytes(op.k, op.n) * op.batch; });
}
inline uint64_t elems_of(const Trace& t, OpKind kind) {
    return sum_if(
        t, [kind](const Op& op) { return op.kind == kind; }, [](const Op& op) { return op.elems; });
}
inline const Op* find_op(const Trace& t, const std::string& name) {
    for (const auto& op : t.ops)
        if (op.name == name) return &op;
    return nullptr;
}

/// Calls `f` and returns the ConfigError message ("" when nothing was thrown).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const sim::ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace qasim::workloads::test

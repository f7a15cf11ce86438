#include "models/vector/vector_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qasim::models {
namespace {

// Cost table. `ops` = element operations per output element; LLM-Viewer's conventions
// (hahnyuan/LLM-Viewer@472f71f via reference/workloads.md §4) where it has one: softmax 5,
// norm 7, add 1, activation 2. The rest are derived here.
//   fields: ops, reductions, special (exp/erf/sigmoid per elem), inputs, read passes, write passes
struct Row {
    OpKind kind;
    VectorOpCost cost;
};
const Row kTable[] = {
    // softmax: max (1), subtract max (1), exp (1), sum (1), divide (1) = 5 (LLM-Viewer).
    // Reductions: max, then sum (each needed by the next pass). Passes: read for max; read,
    // exponentiate, write e^x and sum; read e^x, divide, write.
    {OpKind::softmax, {5, 2, 1, 1, 3, 2}},
    // layernorm: 7 (LLM-Viewer norm) = mean sum, subtract, square, variance sum, scale by 1/σ,
    // ×γ, +β. Reductions: mean, variance. Passes: mean; variance; normalize. (1/σ is one rsqrt per
    // row, not per element: not counted.)
    {OpKind::layernorm, {7, 2, 0, 1, 3, 1}},
    // rmsnorm: LLM-Viewer charges every norm 7/elem (a direct count is 4: square, sum, ×1/rms,
    // ×γ — reference/workloads.md §2b); the convention is kept so totals compare with it.
    // One reduction (sum of squares), two passes.
    {OpKind::rmsnorm, {7, 1, 0, 1, 2, 1}},
    // Activations: LLM-Viewer's 2/elem for every activation (reference/workloads.md §2a quotes
    // ≈8/elem for the tanh form of GELU and ≈4 for SiLU when the transcendental is expanded; here
    // it is one special-function evaluation per element).
    {OpKind::gelu, {2, 0, 1, 1, 1, 1}},       // erf/tanh on the special-function unit
    {OpKind::silu, {2, 0, 1, 1, 1, 1}},       // x·sigmoid(x): one exp
    {OpKind::silu_mul, {3, 0, 1, 2, 1, 1}},   // activation 2 + multiply by `up` 1
    {OpKind::relu, {2, 0, 0, 1, 1, 1}},       // activation convention (a compare would be 1)
    {OpKind::relu2, {3, 0, 0, 1, 1, 1}},      // activation 2 + square 1
    {OpKind::relu2_mul, {4, 0, 0, 2, 1, 1}},  // relu² 3 + multiply by `up` 1
    {OpKind::add, {1, 0, 0, 2, 1, 1}},        // LLM-Viewer add 1
    {OpKind::mul, {1, 0, 0, 2, 1, 1}},        // like add
    // rope: x·cos + rotate_half(x)·sin = 2 multiplies + 1 add (reference/workloads.md §2b: ≈3).
    {OpKind::rope, {3, 0, 0, 1, 1, 1}},
    // quant (static scale): multiply by 1/scale, round, saturate = 3.
    {OpKind::quant, {3, 0, 0, 1, 1, 1}},
    // dequant: (q − zero)·scale = subtract + multiply = 2.
    {OpKind::dequant, {2, 0, 0, 1, 1, 1}},
    // embedding gather, KV-cache write: one move per element through the unit.
    {OpKind::embedding, {1, 0, 0, 1, 1, 1}},
    {OpKind::kv_write, {1, 0, 0, 1, 1, 1}},
    // lut_build (T-MAC): each table entry = a previous entry ± one activation (incremental
    // construction), 1 add per entry; elems counts entries. Input: elems/2 activations (header).
    {OpKind::lut_build, {1, 0, 0, 1, 1, 1}},
};

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

uint64_t ceil_log2(uint64_t x) {
    uint64_t d = 0;
    while ((uint64_t{1} << d) < x) ++d;
    return d;
}

uint64_t mul_checked(uint64_t a, uint64_t b, const Op& op) {
    uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        throw std::invalid_argument("vector model: op '" + op.name + "' (" + to_string(op.kind) +
                                    ", elems=" + std::to_string(op.elems) +
                                    ") overflows the 64-bit counters");
    return r;
}

}  // namespace

const VectorOpCost& vector_op_cost(OpKind kind) {
    for (const auto& r : kTable)
        if (r.kind == kind) return r.cost;
    throw std::invalid_argument(std::string("vector model: the vector unit does not run ") +
                                to_string(kind) + " (matmul ops go to a matrix unit)");
}

uint64_t VectorParams::cycles_per_element(OpKind kind) const {
    const auto it = cycles_per_elem.find(kind);
    if (it != cycles_per_elem.end()) return it->second;
    return vector_op_cost(kind).ops_per_elem;  // one operation per lane per cycle
}

TilePlan vector_plan(const Op& op, const VectorParams& p) {
    const VectorOpCost& cost = vector_op_cost(op.kind);  // throws for matmul kinds
    const std::string who = "vector model: op '" + op.name + "' (" + to_string(op.kind) + ")";
    if (op.elems == 0) throw std::invalid_argument(who + ": elems must be >= 1");
    if (p.lanes == 0) throw std::invalid_argument(who + ": lanes must be >= 1");
    const uint64_t cpe = p.cycles_per_element(op.kind);
    if (cpe == 0) throw std::invalid_argument(who + ": cycles per element must be >= 1");
    mul_checked(op.elems, 64, op);  // element bits of any format stay countable

    // Input format and input elements per output element (as a fraction num/den).
    const bool gather = op.kind == OpKind::embedding;
    const Format& in = gather ? op.b : op.a;
    const uint64_t in_num = op.kind == OpKind::lut_build ? 1 : cost.inputs;
    // T-MAC g = 4: 4 activations → 8 entries
    const uint64_t in_den = op.kind == OpKind::lut_build ? 2 : 1;
    auto in_elems = [&](uint64_t e) { return ceil_div(mul_checked(e, in_num, op), in_den); };

    // Chunk: the largest multiple of lanes with two chunks (inputs + output) in the buffer.
    const double bits_per_elem = in.bits_per_element() * static_cast<double>(in_num) /
                                     static_cast<double>(in_den) +
                                 op.out.bits_per_element();
    const double buffer_bits = static_cast<double>(p.buffer_bytes) * 8.0;
    const uint64_t fit2 = static_cast<uint64_t>(std::floor(buffer_bits / (2.0 * bits_per_elem)));
    const uint64_t fit1 = static_cast<uint64_t>(std::floor(buffer_bits / bits_per_elem));
    uint64_t chunk = 0;
    bool double_buffered = true;
    if (fit2 >= p.lanes) {
        chunk = fit2 / p.lanes * p.lanes;
    } else {
        double_buffered = false;
        chunk = fit1 >= p.lanes ? fit1 / p.lanes * p.lanes : fit1;
    }
    if (chunk == 0)
        throw std::invalid_argument(who + ": buffer_bytes = " + std::to_string(p.buffer_bytes) +
                                    " cannot hold one element's input and output");
    chunk = std::min(chunk, op.elems);

    TilePlan plan;
    plan.double_buffered = double_buffered;
    // A unit faster than one cycle per operation executes several operations per lane-cycle.
    plan.peak_ops_per_cycle =
        mul_checked(p.lanes, std::max<uint64_t>(1, ceil_div(cost.ops_per_elem, cpe)), op);
    const uint64_t tree = ceil_log2(p.lanes);

    auto make = [&](uint64_t e, uint64_t count) {
        Tile t;
        t.count = count;
        const uint64_t ie = in_elems(e);
        // A gather reads table rows (B, from where b_src says); everything else reads activations.
        (gather ? t.load_b_bytes : t.load_a_bytes) =
            in_num == 1 || op.kind == OpKind::lut_build ? in.bytes(ie, ie)
                                                         : mul_checked(in.bytes(e, e), in_num, op);
        t.store_bytes = op.out.bytes(e, e);
        t.compute_cycles = mul_checked(ceil_div(e, p.lanes), cpe, op) + cost.reductions * tree;
        t.macs = mul_checked(e, cost.ops_per_elem, op);
        const uint64_t rd_bits =
            mul_checked(mul_checked(ie, static_cast<uint64_t>(in.bits), op), cost.read_passes, op);
        const uint64_t wr_bits = mul_checked(
            mul_checked(e, static_cast<uint64_t>(op.out.bits), op), cost.write_passes, op);
        t.sram_read_bytes = ceil_div(rd_bits, 8);
        t.sram_write_bytes = ceil_div(wr_bits, 8);
        t.actions.add("vec_op", t.macs);
        t.actions.add("vec_special", mul_checked(e, cost.special_per_elem, op));
        t.actions.add("vec_buffer_read_bits", rd_bits);
        t.actions.add("vec_buffer_write_bits", wr_bits);
        plan.tiles.push_back(std::move(t));
    };
    const uint64_t full = op.elems / chunk, rest = op.elems % chunk;
    if (full) make(chunk, full);
    if (rest) make(rest, 1);
    return plan;
}

}  // namespace qasim::models

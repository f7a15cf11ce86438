#include "models/sram_pim/pim_model.h"

#include <algorithm>
#include <stdexcept>

namespace qasim::models {

namespace {
uint64_t cdiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }
uint64_t ceil_log2(uint64_t x) {
    uint64_t l = 0;
    while ((uint64_t{1} << l) < x) ++l;
    return l;
}
bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }
}  // namespace

uint64_t PimParams::entry_bits() const { return act_bits + ceil_log2(group_k); }

std::string pim_params_error(const PimParams& p) {
    if (p.subarray_cols % p.group_k != 0)
        return "subarray_cols (" + std::to_string(p.subarray_cols) + ") must be a multiple of group_k (" +
               std::to_string(p.group_k) + ")";
    if (p.active_subarrays_per_bank > p.subarrays_per_bank)
        return "active_subarrays_per_bank (" + std::to_string(p.active_subarrays_per_bank) +
               ") must be at most subarrays_per_bank (" + std::to_string(p.subarrays_per_bank) + ")";
    if (!is_pow2(p.subarray_cols) || !is_pow2(p.subarray_rows))
        return "subarray_rows and subarray_cols must be powers of two, got " + std::to_string(p.subarray_rows) +
               " x " + std::to_string(p.subarray_cols);
    // Table rows of the largest batch must fit next to at least one task's planes (8 rows).
    const uint64_t rows_t = cdiv(p.table_entries() * p.max_batch * p.entry_bits(), p.subarray_cols);
    if (rows_t + 8 > p.subarray_rows)
        return "a table of max_batch " + std::to_string(p.max_batch) + " needs " + std::to_string(rows_t) +
               " rows, which with 8 weight-plane rows exceeds subarray_rows " + std::to_string(p.subarray_rows);
    return {};
}

std::string pim_support(const Op& op, const PimParams& p) {
    if (op.kind != OpKind::gemm && op.kind != OpKind::gemv)
        return std::string("op kind '") + to_string(op.kind) + "' is not a gemm/gemv";
    if (op.b_src != BSrc::weight)
        return std::string("operand B comes from '") + to_string(op.b_src) +
               "', not from weights resident in the PIM (only weight GEMVs run in memory)";
    if (op.m > p.max_batch)
        return "M = " + std::to_string(op.m) + " exceeds max_batch " + std::to_string(p.max_batch) +
               " (batched GEMV only; larger M belongs on the NPU)";
    if (op.m == 0 || op.k == 0 || op.n == 0) return "empty shape (m, k or n is 0)";
    if (op.b.kind != NumKind::integer || op.b.bits < 1)
        return "weights '" + op.b.spec + "' are not integer bit-planes (allowed: int1..int8 / uint1..uint8)";
    if (op.b.bits > 8)
        return "weights '" + op.b.spec + "' have " + std::to_string(op.b.bits) + " bits, more than 8";
    if (op.b.group_along_n) return "weights '" + op.b.spec + "' have scales along N (gn), allowed: gQ along K";
    if (!(op.a.is_float() || op.a.kind == NumKind::integer))
        return "activations '" + op.a.spec + "' are neither float nor integer";
    return {};
}

uint64_t pim_resident_bytes(const Op& op) { return op.b.matrix_bytes(op.k, op.n) * op.batch * op.repeat; }

PimGemv pim_gemv(const Op& op, const PimParams& p) {
    const std::string why = pim_support(op, p);
    if (!why.empty()) throw std::invalid_argument("sram_pim: " + why);
    PimGemv r;
    r.m = op.m;
    r.k = op.k;
    r.n = op.n;
    r.planes = static_cast<uint64_t>(op.b.bits);
    const uint64_t M = op.m, g = p.group_k, E = p.table_entries(), eb = p.entry_bits(), C = p.subarray_cols;
    const uint64_t nb = p.columns_per_row(), A = p.periphery_adders, L = p.lanes(), P = r.planes;
    r.groups = cdiv(op.k, g);
    r.col_blocks = cdiv(op.n, nb);
    r.tasks = r.groups * r.col_blocks;
    r.tasks_per_lane = cdiv(r.tasks, L);
    r.lanes_used = cdiv(r.tasks, r.tasks_per_lane);
    r.table_rows = cdiv(E * M * eb, C);
    const uint64_t build_adds = p.symmetric_table ? M * ((g - 1) + (E - 1)) : M * (E - 1 - g);
    r.build_cycles = cdiv(build_adds, A);
    r.step = std::max(p.step_cycles, cdiv(nb * M, A));
    r.task_cycles = r.build_cycles + r.table_rows + P * r.step;
    const uint64_t Q = op.b.gran == Granularity::group ? op.b.group : 0;
    r.rescale_groups = Q ? cdiv(r.tasks_per_lane * g, Q) : 0;
    r.rescale_cycles = r.rescale_groups * cdiv(M * nb, A);
    const uint64_t t = r.tasks_per_lane;
    r.parts = t < r.groups ? cdiv(r.groups, t) : 1;
    r.col_blocks_per_lane = std::max<uint64_t>(1, cdiv(t, r.groups));
    r.drain_cycles = cdiv(r.col_blocks_per_lane * M * nb * p.acc_bits, C);
    r.reduce_cycles = ceil_log2(r.parts);
    const bool skip_quant = op.a.kind == NumKind::integer && static_cast<uint64_t>(op.a.bits) <= p.act_bits;
    const uint64_t quant_elems = skip_quant ? 0 : M * op.k;
    r.quant_cycles = cdiv(quant_elems, p.convert_elems_per_cycle);
    r.dequant_cycles = cdiv(M * op.n, p.convert_elems_per_cycle);
    r.cycles = r.quant_cycles + t * r.task_cycles + r.rescale_cycles + r.drain_cycles + r.reduce_cycles +
               r.dequant_cycles;
    // Actions.
    r.row_activations = r.tasks * P;
    r.lookups = r.tasks * P * nb * M;
    r.lut_write_rows = r.tasks * r.table_rows;
    r.table_build_adds = r.tasks * build_adds;
    r.periphery_adds = r.tasks * P * nb * M + M * op.n * (r.parts - 1);
    r.rescales = Q ? M * op.n * cdiv(op.k, Q) : 0;
    r.conversions = quant_elems + M * op.n;
    r.drain_bits = r.lanes_used * r.col_blocks_per_lane * M * nb * p.acc_bits;
    return r;
}

TilePlan pim_plan(const Op& op, const PimParams& p, uint64_t streamed_b_bytes) {
    const PimGemv g = pim_gemv(op, p);
    const uint64_t C = p.subarray_cols;
    Tile t;
    t.count = op.batch;  // independent instances run one after another
    t.load_a_bytes = op.a_bytes() / std::max<uint64_t>(op.batch, 1);
    t.store_bytes = op.out_bytes() / std::max<uint64_t>(op.batch, 1);
    // Streamed (non-resident) weights: written into staging rows across all lanes before use.
    const uint64_t stream_rows = cdiv(streamed_b_bytes * 8, C);
    t.load_b_bytes = streamed_b_bytes / std::max<uint64_t>(op.batch, 1);
    t.compute_cycles = g.cycles + cdiv(stream_rows, p.lanes()) / std::max<uint64_t>(op.batch, 1);
    t.macs = op.m * op.k * op.n;
    t.sram_read_bytes = g.row_activations * C / 8;
    t.sram_write_bytes = g.lut_write_rows * C / 8;
    t.actions.add("row_activation", g.row_activations);
    t.actions.add("lookup", g.lookups);
    t.actions.add("lut_write_row", g.lut_write_rows);
    t.actions.add("table_build_add", g.table_build_adds);
    t.actions.add("periphery_add", g.periphery_adds);
    t.actions.add("rescale", g.rescales);
    t.actions.add("convert", g.conversions);
    t.actions.add("drain_bit", g.drain_bits);
    t.actions.add("weight_write_row", stream_rows / std::max<uint64_t>(op.batch, 1));
    TilePlan plan;
    plan.tiles.push_back(std::move(t));
    plan.double_buffered = true;
    // Peak: every lane resolves nb lookups of g weights for M rows per step, one plane at a time.
    const uint64_t P = g.planes;
    plan.peak_ops_per_cycle = std::max<uint64_t>(1, p.lanes() * C * op.m / (P * p.step_cycles));
    return plan;
}

}  // namespace qasim::models

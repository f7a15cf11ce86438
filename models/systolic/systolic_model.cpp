#include "models/systolic/systolic_model.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <stdexcept>
#include <vector>

#include "models/tile_runs.h"

namespace qasim::models {
namespace {

/// Overflow-checked 64-bit arithmetic; `ctx` names the shape in the error message.
class Checked {
public:
    explicit Checked(std::string ctx) : m_ctx(std::move(ctx)) {}
    uint64_t mul(uint64_t a, uint64_t b) const {
        uint64_t r = 0;
        if (__builtin_mul_overflow(a, b, &r)) fail();
        return r;
    }
    uint64_t add(uint64_t a, uint64_t b) const {
        uint64_t r = 0;
        if (__builtin_add_overflow(a, b, &r)) fail();
        return r;
    }
    uint64_t mul3(uint64_t a, uint64_t b, uint64_t c) const { return mul(mul(a, b), c); }
    [[noreturn]] void fail() const {
        throw std::invalid_argument("systolic model: " + m_ctx +
                                    " overflows the 64-bit cycle/access counters");
    }
    const std::string& ctx() const { return m_ctx; }

private:
    std::string m_ctx;
};

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

std::string shape_str(uint64_t M, uint64_t K, uint64_t N, uint64_t batch, const SystolicParams& p) {
    return "GEMM M=" + std::to_string(M) + " K=" + std::to_string(K) + " N=" + std::to_string(N) +
           " batch=" + std::to_string(batch) + " on a " + std::to_string(p.rows) + "x" +
           std::to_string(p.cols) + " " + to_string(p.dataflow) + " array";
}

/// Validates the shape and the array; the product M·K·N·batch must stay below 2^63 so that every
/// access count (each ≤ M·K·N·batch times a small factor) and MAC count fits.
Checked validate(uint64_t M, uint64_t K, uint64_t N, uint64_t batch, const SystolicParams& p) {
    const std::string s = shape_str(M, K, N, batch, p);
    if (M == 0 || K == 0 || N == 0 || batch == 0)
        throw std::invalid_argument("systolic model: " + s + ": M, K, N and batch must be >= 1");
    if (p.rows == 0 || p.cols == 0)
        throw std::invalid_argument("systolic model: " + s + ": rows and cols must be >= 1");
    if (p.acc_bits == 0)
        throw std::invalid_argument("systolic model: " + s + ": acc_bits must be >= 1");
    unsigned __int128 prod = static_cast<unsigned __int128>(M) * K;
    prod = prod * N;
    prod = prod * batch;
    if (prod > (static_cast<unsigned __int128>(1) << 63))
        throw std::invalid_argument("systolic model: " + s +
                                    ": M·K·N·batch exceeds 2^63 MACs (64-bit counters)");
    Checked ck(s);
    ck.mul(p.rows, p.cols);
    // Bits of each matrix (at up to 64 bits per element) must be countable.
    ck.mul3(M, K, 64);
    ck.mul3(K, N, 64);
    ck.mul3(M, N, 64);
    return ck;
}

/// The GEMM mapped onto the array: rows_dim × cols_dim over R × C, streamed length T
/// (see the mapping table in the header).
struct Geometry {
    uint64_t R = 1, C = 1;
    uint64_t rows_dim = 0, cols_dim = 0, T = 0;
    uint64_t n_inner = 0, n_outer = 0;         ///< row folds (inner loop), column folds (outer)
    uint64_t inner_last = 0, outer_last = 0;   ///< used rows / cols of the last row / column fold
    uint64_t rows_used(uint64_t i) const { return i + 1 == n_inner ? inner_last : R; }
    uint64_t cols_used(uint64_t o) const { return o + 1 == n_outer ? outer_last : C; }
    uint64_t folds() const { return n_inner * n_outer; }
};

Geometry geometry(uint64_t M, uint64_t K, uint64_t N, const SystolicParams& p) {
    Geometry g;
    g.R = p.rows;
    g.C = p.cols;
    switch (p.dataflow) {
    case Dataflow::os: g.rows_dim = M; g.cols_dim = N; g.T = K; break;
    case Dataflow::ws: g.rows_dim = K; g.cols_dim = N; g.T = M; break;
    case Dataflow::is: g.rows_dim = K; g.cols_dim = M; g.T = N; break;
    }
    g.n_inner = ceil_div(g.rows_dim, g.R);
    g.n_outer = ceil_div(g.cols_dim, g.C);
    g.inner_last = g.rows_dim - (g.n_inner - 1) * g.R;
    g.outer_last = g.cols_dim - (g.n_outer - 1) * g.C;
    return g;
}

/// SCALE-Sim v2 cycles per fold: fill/drain skew R + C − 2 plus the stream T, plus R cycles of
/// stationary preload for ws/is (reference/scalesim/README.md, closed forms).
uint64_t scalesim_cycles_per_fold(const Geometry& g, Dataflow d, const Checked& ck) {
    uint64_t c = ck.add(ck.add(g.R, g.C), g.T) - 2;
    if (d != Dataflow::os) c = ck.add(c, g.R);
    return c;
}

/// Physical mode: time from the start of a fold's stream to its last result leaving the array,
/// for a fold using `rows` × `cols` PEs (header derivation).
uint64_t physical_tail(const Geometry& g, Dataflow d, uint64_t rows, uint64_t cols,
                       const Checked& ck) {
    if (d == Dataflow::os)  // last MAC at K−1 + (r−1) + (c−1), then R drain shifts
        return ck.add(ck.add(ck.add(g.T, rows), cols), g.R) - 2;
    // ws/is: last stream element at T−1, through all R rows, to used column c−1
    return ck.add(ck.add(g.T, g.R), cols) - 2;
}

/// Physical mode: interval between the stream starts of a fold and the next fold, whose used
/// rows are `next_rows` (ws/is preload) — os: the column drain limits it to max(K, R).
uint64_t physical_interval(const Geometry& g, Dataflow d, uint64_t next_rows) {
    if (d == Dataflow::os) return std::max(g.T, g.R);
    return std::max(g.T, next_rows);
}

/// Physical mode over `batch` instances run as one fold sequence: the start of the last fold's
/// stream and the cycle the last result leaves the array.
struct PhysTimes {
    uint64_t s_last = 0;  ///< stream start of the last fold (ws/is: after the first preload P_0)
    uint64_t total = 0;   ///< finish time of the whole sequence
};

/// The finish time is max over folds of (stream start + tail). Starts grow with the fold index and
/// the tail takes few values (it depends on the used columns, and in os on the used rows too), so
/// the maximum is attained at the latest fold of each (rows, cols) class: the last fold, and in
/// the last instance the last fold of the second-to-last column block (full columns) and, for os,
/// the second-to-last row fold of those blocks (full rows). An earlier, wider fold can finish after
/// a narrow last one when the last column block is shorter than the width difference.
PhysTimes physical_times(const Geometry& g, Dataflow d, uint64_t batch, const Checked& ck) {
    PhysTimes r;
    const uint64_t F = ck.mul(g.folds(), batch);
    const uint64_t nI = g.n_inner, nO = g.n_outer;
    if (d == Dataflow::os) {
        // s_f = f · max(K, R)
        const uint64_t I = std::max(g.T, g.R);
        auto cand = [&](uint64_t idx, uint64_t rows, uint64_t cols) {
            return ck.add(ck.mul(idx, I), physical_tail(g, d, rows, cols, ck));
        };
        r.s_last = ck.mul(F - 1, I);
        r.total = cand(F - 1, g.inner_last, g.outer_last);
        if (nI >= 2) r.total = std::max(r.total, cand(F - 2, g.R, g.outer_last));
        if (nO >= 2) {
            r.total = std::max(r.total, cand(F - 1 - nI, g.inner_last, g.C));
            if (nI >= 2) r.total = std::max(r.total, cand(F - 2 - nI, g.R, g.C));
        }
        return r;
    }
    // ws/is: s_f = P_0 + Σ_{g=1}^{f} max(T, P_g); one column block sums to
    // B = (nI−1)·max(T, R) + max(T, r_last), so the last fold of block j starts at
    // P_0 + (j+1)·B − max(T, P_0).
    const uint64_t B = ck.add(ck.mul(nI - 1, std::max(g.T, g.R)), std::max(g.T, g.inner_last));
    const uint64_t p0 = g.rows_used(0), m0 = std::max(g.T, p0);
    const uint64_t blocks = ck.mul(nO, batch);
    auto block_last_start = [&](uint64_t j) { return ck.add(p0, ck.mul(j + 1, B)) - m0; };
    r.s_last = block_last_start(blocks - 1);
    r.total = ck.add(r.s_last, physical_tail(g, d, 0, g.outer_last, ck));
    if (nO >= 2)
        r.total = std::max(r.total, ck.add(block_last_start(blocks - 2),
                                           physical_tail(g, d, 0, g.C, ck)));
    return r;
}

FoldInfo folds_impl(uint64_t M, uint64_t K, uint64_t N, const SystolicParams& p,
                    const Checked& ck) {
    const Geometry g = geometry(M, K, N, p);
    FoldInfo f;
    f.folds = g.folds();
    const uint64_t mapped = ck.mul(g.rows_dim, g.cols_dim);
    f.mapping_eff = static_cast<double>(mapped) / (static_cast<double>(f.folds) *
                                                   static_cast<double>(g.R) *
                                                   static_cast<double>(g.C));

    // SRAM element accesses (per fold, summed): the operand streamed along the array rows is read
    // T·rows_used per fold, the one along the columns T·cols_used, the stationary one
    // rows_used·cols_used — summed over folds: T·rows_dim·n_outer, T·cols_dim·n_inner,
    // rows_dim·cols_dim.
    const uint64_t along_rows = ck.mul3(g.T, g.rows_dim, g.n_outer);
    const uint64_t along_cols = ck.mul3(g.T, g.cols_dim, g.n_inner);
    const uint64_t stationary = mapped;
    const bool scalesim = p.mode == SystolicMode::scalesim;
    switch (p.dataflow) {
    case Dataflow::os:  // A along rows, B along cols, C stationary
        f.ifmap_reads = along_rows;
        f.filter_reads = along_cols;
        f.ofmap_writes = stationary;
        if (scalesim) f.ofmap_writes = ck.add(f.ofmap_writes, ck.mul(f.folds, ck.add(g.R, g.C)));
        break;
    case Dataflow::ws:  // A along rows, C (partial sums) along cols, B stationary
        f.ifmap_reads = along_rows;
        f.filter_reads = stationary;
        f.ofmap_writes = along_cols;
        break;
    case Dataflow::is:  // B along rows, C (partial sums) along cols, A stationary
        f.ifmap_reads = stationary;
        f.filter_reads = along_rows;
        f.ofmap_writes = along_cols;
        break;
    }
    if (!scalesim && p.dataflow != Dataflow::os)  // read-modify-write of partial sums
        f.ofmap_reads = ck.mul3(g.T, g.cols_dim, g.n_inner - 1);

    if (scalesim) {
        f.cycles_per_fold = scalesim_cycles_per_fold(g, p.dataflow, ck);
        f.total_cycles = ck.mul(f.folds, f.cycles_per_fold) - 1;
    } else {
        f.cycles_per_fold = std::max(g.T, g.R);
        f.total_cycles = physical_times(g, p.dataflow, 1, ck).total;
    }
    const double macs = static_cast<double>(M) * static_cast<double>(K) * static_cast<double>(N);
    f.util = f.total_cycles == 0 ? 0.0
                                 : macs / (static_cast<double>(g.R) * static_cast<double>(g.C) *
                                           static_cast<double>(f.total_cycles));
    return f;
}

uint64_t bytes_of_bits(uint64_t bits) { return bits / 8 + (bits % 8 != 0); }

/// Index ranges [start, start+count) of 0..n−1 within which every fold (or instance) has the same
/// tile: the properties of index i depend only on i == 0, i + 1 == n − 1, i == n − 1 and, when
/// `period` > 1 (DRAM loads at the start of each chunk/block of `period` folds), i % period == 0.
std::vector<Segment> segments(uint64_t n, uint64_t period = 0) {
    std::vector<uint64_t> cuts = {0, 1};
    if (n >= 2) cuts.push_back(n - 2);
    cuts.push_back(n - 1);
    if (period > 1 && period < n) {
        for (uint64_t k = period; k < n; k += period) {
            cuts.push_back(k);
            cuts.push_back(k + 1);
        }
    }
    return cut_segments(std::move(cuts), n);
}

/// Everything needed to build the tile of fold (o, i) of instance `inst`.
struct PlanCtx {
    const Op* op = nullptr;
    const SystolicParams* p = nullptr;
    Geometry g;
    uint64_t batch = 1;
    uint64_t scalesim_cpf = 0;
    PhysTimes phys;              ///< physical mode: last fold start and finish
    // DRAM loop order (see the header)
    bool reuse_fits = false;     ///< the operand re-used across column folds is resident
    bool os_b_panel_fits = false;  ///< os: a K×C panel of B fits the filter buffer
    bool psum_fits = false;      ///< ws/is partial sums of one (block's) column chunk stay on chip
    bool blocked = false;        ///< block order (re-used operand resident per block)
    uint64_t chunk = 1;          ///< stream order: column folds per chunk (1 = no chunking)
    uint64_t row_block = 1;      ///< os block order: row folds per block of A
    uint64_t t_blocks = 1;       ///< ws/is block order: blocks of the streamed dimension
};

/// DRAM bytes of fold (o, i) of one instance (rules in the header).
struct FoldDram {
    uint64_t load_a = 0, load_b = 0, store = 0;
};

FoldDram fold_dram(const PlanCtx& c, uint64_t o, uint64_t i, const Checked& ck) {
    const Geometry& g = c.g;
    const Op& op = *c.op;
    const Dataflow d = c.p->dataflow;
    const uint64_t rows = g.rows_used(i), cols = g.cols_used(o);
    const bool first_inner = i == 0, last_inner = i + 1 == g.n_inner;
    // The re-used operand's slice i (os: A panel, ws: A K-slice, is: B K-slice) is loaded by the
    // first column fold, and again at each chunk start when it is not resident (stream order).
    const bool load_reused =
        o == 0 || (!c.reuse_fits && !c.blocked && o % c.chunk == 0);
    FoldDram r;
    switch (d) {
    case Dataflow::os:
        // A panel: `rows` rows of A (all K); B panel: K × cols, loaded once per column fold (stream)
        // or once per block of row folds (block), every row fold if it does not fit.
        if (load_reused) r.load_a = op.a.matrix_bytes(g.T, rows);
        {
            const uint64_t panel = op.b.matrix_bytes(g.T, cols);
            const bool panel_start = c.blocked ? i % c.row_block == 0 : first_inner;
            if (panel_start) {
                r.load_b = panel;
            } else if (!c.os_b_panel_fits) {
                // Half the filter buffer keeps the panel's first K rows pinned, the other half
                // streams the rest again for each further row fold.
                r.load_b = panel - std::min(panel, c.p->filter_sram_bytes / 2);
            }
        }
        r.store = op.out.payload_bytes(rows, cols);
        break;
    case Dataflow::ws:
        // A K-slice: rows × M; stationary B tile rows × cols, once per block of M (block order).
        if (load_reused) r.load_a = op.a.matrix_bytes(rows, g.T);
        r.load_b = ck.mul(op.b.matrix_bytes(rows, cols), c.blocked ? c.t_blocks : 1);
        break;
    case Dataflow::is:
        // stationary A tile: rows (K) × cols (M), once per block of N; B K-slice: rows × N.
        r.load_a = ck.mul(op.a.matrix_bytes(rows, cols), c.blocked ? c.t_blocks : 1);
        if (load_reused) r.load_b = op.b.matrix_bytes(rows, g.T);
        break;
    }
    if (d != Dataflow::os) {
        // Output block: M × cols (ws) or cols × N (is), T·cols elements.
        const uint64_t psum_bytes = bytes_of_bits(ck.mul3(g.T, cols, c.p->acc_bits));
        if (last_inner) {
            r.store = d == Dataflow::ws ? op.out.payload_bytes(g.T, cols)
                                        : op.out.payload_bytes(cols, g.T);
        } else if (!c.psum_fits) {
            r.store = psum_bytes;  // spill
        }
        if (!first_inner && !c.psum_fits) r.load_a = ck.add(r.load_a, psum_bytes);
    }
    return r;
}

/// Periods of the DRAM load pattern along the column folds (o) and the row folds (i).
uint64_t outer_period(const PlanCtx& c) { return c.reuse_fits || c.blocked ? 0 : c.chunk; }
uint64_t inner_period(const PlanCtx& c) {
    return c.blocked && c.p->dataflow == Dataflow::os ? c.row_block : 0;
}

/// Total DRAM bytes (loads + stores) of one instance under the loop order in `c`.
unsigned __int128 instance_dram(const PlanCtx& c, const Checked& ck) {
    unsigned __int128 total = 0;
    for (const Segment& so : segments(c.g.n_outer, outer_period(c)))
        for (const Segment& sr : segments(c.g.n_inner, inner_period(c))) {
            const FoldDram f = fold_dram(c, so.start, sr.start, ck);
            total += static_cast<unsigned __int128>(f.load_a + f.load_b + f.store) * so.count *
                     sr.count;
        }
    return total;
}

Tile fold_tile(const PlanCtx& c, uint64_t o, uint64_t i, uint64_t inst, const Checked& ck) {
    const Geometry& g = c.g;
    const SystolicParams& p = *c.p;
    const Op& op = *c.op;
    const Dataflow d = p.dataflow;
    const bool scalesim = p.mode == SystolicMode::scalesim;
    const uint64_t rows = g.rows_used(i), cols = g.cols_used(o);
    const bool first_inner = i == 0, last_inner = i + 1 == g.n_inner;
    const bool last_of_instance = last_inner && o + 1 == g.n_outer;
    const bool first_global = inst == 0 && o == 0 && i == 0;
    const bool last_global = last_of_instance && inst + 1 == c.batch;

    Tile t;
    // Cycles.
    if (scalesim) {
        t.compute_cycles = c.scalesim_cpf - (last_of_instance ? 1 : 0);
    } else {
        // Tile f spans [s_f, s_{f+1}); the first also [0, s_0) (ws/is preload P_0), the last
        // [s_last, finish).
        uint64_t cyc = first_global && d != Dataflow::os ? g.rows_used(0) : 0;
        if (last_global) {
            cyc = ck.add(cyc, c.phys.total - c.phys.s_last);
        } else {
            const uint64_t next_rows = last_inner ? g.rows_used(0) : g.rows_used(i + 1);
            cyc = ck.add(cyc, physical_interval(g, d, next_rows));
        }
        t.compute_cycles = cyc;
    }
    t.macs = ck.mul3(rows, cols, g.T);

    // SRAM element accesses of this fold.
    const uint64_t along_rows = ck.mul(g.T, rows), along_cols = ck.mul(g.T, cols);
    const uint64_t stationary = ck.mul(rows, cols);
    uint64_t ifmap_reads = 0, filter_reads = 0, ofmap_writes = 0, ofmap_reads = 0;
    switch (d) {
    case Dataflow::os:
        ifmap_reads = along_rows;
        filter_reads = along_cols;
        ofmap_writes = scalesim ? ck.add(stationary, ck.add(g.R, g.C)) : stationary;
        break;
    case Dataflow::ws:
        ifmap_reads = along_rows;
        filter_reads = stationary;
        ofmap_writes = along_cols;
        break;
    case Dataflow::is:
        ifmap_reads = stationary;
        filter_reads = along_rows;
        ofmap_writes = along_cols;
        break;
    }
    if (!scalesim && d != Dataflow::os && !first_inner) ofmap_reads = along_cols;
    const uint64_t acc = p.acc_bits;
    const uint64_t out_bits = static_cast<uint64_t>(op.out.bits);
    // Outputs: SCALE-Sim's word; physically partial sums travel at acc_bits until the last fold
    // of the column block writes the finished output in the out format.
    const uint64_t write_elem_bits =
        (!scalesim && d != Dataflow::os && !last_inner) ? acc : out_bits;
    const uint64_t ifmap_bits = ck.mul(ifmap_reads, static_cast<uint64_t>(op.a.bits));
    const uint64_t filter_bits = ck.mul(filter_reads, static_cast<uint64_t>(op.b.bits));
    const uint64_t ofmap_wbits = ck.mul(ofmap_writes, write_elem_bits);
    const uint64_t ofmap_rbits = ck.mul(ofmap_reads, acc);
    t.sram_read_bytes = bytes_of_bits(ck.add(ck.add(ifmap_bits, filter_bits), ofmap_rbits));
    t.sram_write_bytes = bytes_of_bits(ofmap_wbits);

    // DRAM traffic (rules in the header).
    const FoldDram dram = fold_dram(c, o, i, ck);
    t.load_a_bytes = dram.load_a;
    t.load_b_bytes = dram.load_b;
    t.store_bytes = dram.store;

    t.actions.add("mac", t.macs);
    t.actions.add("pe_active_cycles", ck.mul(stationary, t.compute_cycles));
    if (d != Dataflow::os) t.actions.add("pe_stationary_loads", stationary);
    t.actions.add("sram_read_bits.ifmap", ifmap_bits);
    t.actions.add("sram_read_bits.filter", filter_bits);
    t.actions.add("sram_write_bits.ofmap", ofmap_wbits);
    t.actions.add("sram_read_bits.ofmap", ofmap_rbits);
    // OliVe OVP operands are decoded as they leave their buffer: one decode per element read.
    uint64_t ovp = 0;
    if (op.a.kind == NumKind::ovp) ovp = ck.add(ovp, ifmap_reads);
    if (op.b.kind == NumKind::ovp) ovp = ck.add(ovp, filter_reads);
    t.actions.add("ovp_decode", ovp);
    return t;
}

/// Largest x in [1, hi] with ok(x) (ok monotone: true up to some x, false after); 0 if !ok(1).
template <class F>
uint64_t largest(uint64_t hi, const F& ok) {
    if (hi == 0 || !ok(1)) return 0;
    uint64_t lo = 1;
    while (lo < hi) {
        const uint64_t mid = lo + (hi - lo + 1) / 2;
        if (ok(mid)) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/// Sets the DRAM loop order of `c` (header: DRAM traffic rule): the old per-fold rule (stream
/// order, chunk 1) is the first candidate; column chunks (stream order) and blocks of the
/// re-used operand (block order) are tried and the order with the fewest DRAM bytes is kept (ties
/// keep the earlier candidate, so the result is never above the per-fold rule).
void choose_loop_order(PlanCtx& c, const Checked& ck) {
    const Op& op = *c.op;
    const SystolicParams& p = *c.p;
    const Geometry& g = c.g;
    const uint64_t M = op.m, K = op.k, N = op.n, acc = p.acc_bits;
    const uint64_t r0 = g.rows_used(0), c0 = g.cols_used(0);
    auto psum_ok = [&](uint64_t elems) {
        return bytes_of_bits(ck.mul(elems, acc)) <= p.ofmap_sram_bytes;
    };
    std::vector<PlanCtx> cand = {c};
    // Stream order with chunks of x > 1 column folds: the re-used slice is fetched once per chunk.
    if (!c.reuse_fits && g.n_outer >= 2) {
        PlanCtx s = c;
        switch (p.dataflow) {
        case Dataflow::os:  // the chunk's K × x·C panels of B stay in the filter buffer
            s.chunk = largest(g.n_outer, [&](uint64_t x) {
                return op.b.matrix_bytes(K, std::min(N, x * g.C)) <= p.filter_sram_bytes;
            });
            s.os_b_panel_fits = true;
            break;
        case Dataflow::ws:  // M × x·C partial sums on chip, one M × R slice of A held
            s.chunk = op.a.matrix_bytes(r0, M) <= p.ifmap_sram_bytes
                          ? largest(g.n_outer, [&](uint64_t x) {
                                return psum_ok(ck.mul(M, std::min(N, x * g.C)));
                            })
                          : 0;
            s.psum_fits = true;
            break;
        case Dataflow::is:  // x·C × N partial sums on chip, one R × N slice of B held
            s.chunk = op.b.matrix_bytes(r0, N) <= p.filter_sram_bytes
                          ? largest(g.n_outer, [&](uint64_t x) {
                                return psum_ok(ck.mul(std::min(M, x * g.C), N));
                            })
                          : 0;
            s.psum_fits = true;
            break;
        }
        if (s.chunk >= 2) cand.push_back(s);
    }
    // Block order: blocks of the re-used operand resident, the other operand re-fetched per block.
    switch (p.dataflow) {
    case Dataflow::os:
        if (!c.reuse_fits) {
            PlanCtx b = c;
            b.blocked = true;
            b.row_block = largest(g.n_inner, [&](uint64_t x) {
                return op.a.matrix_bytes(K, std::min(M, x * g.R)) <= p.ifmap_sram_bytes;
            });
            if (b.row_block >= 1) cand.push_back(b);
        }
        break;
    case Dataflow::ws:
    case Dataflow::is: {
        // ws: rows of A (m × K) in the ifmap buffer, T = M; is: columns of B (K × n) in the
        // filter buffer, T = N. Two block sizes: the largest that fits, and the largest whose
        // partial sums (block × C) also fit the ofmap buffer.
        const bool ws = p.dataflow == Dataflow::ws;
        const uint64_t fit = largest(g.T, [&](uint64_t x) {
            return ws ? op.a.matrix_bytes(K, x) <= p.ifmap_sram_bytes
                      : op.b.matrix_bytes(K, x) <= p.filter_sram_bytes;
        });
        const uint64_t fit_psum = largest(fit, [&](uint64_t x) { return psum_ok(ck.mul(x, c0)); });
        for (uint64_t x : {fit, fit_psum}) {
            if (x == 0 || (x == g.T && c.psum_fits)) continue;  // x == T: the per-fold rule
            PlanCtx b = c;
            b.blocked = true;
            b.t_blocks = ceil_div(g.T, x);
            b.psum_fits = psum_ok(ck.mul(x, c0));
            cand.push_back(b);
        }
        break;
    }
    }
    size_t best = 0;
    unsigned __int128 best_bytes = instance_dram(cand[0], ck);
    for (size_t j = 1; j < cand.size(); ++j) {
        const unsigned __int128 v = instance_dram(cand[j], ck);
        if (v < best_bytes) {
            best_bytes = v;
            best = j;
        }
    }
    c = cand[best];
}

}  // namespace

const char* to_string(Dataflow d) {
    switch (d) {
    case Dataflow::os: return "os";
    case Dataflow::ws: return "ws";
    case Dataflow::is: return "is";
    }
    return "?";
}

const char* to_string(SystolicMode m) {
    switch (m) {
    case SystolicMode::scalesim: return "scalesim";
    case SystolicMode::physical: return "physical";
    }
    return "?";
}

bool parse_dataflow(const std::string& s, Dataflow* out) {
    if (s == "os") *out = Dataflow::os;
    else if (s == "ws") *out = Dataflow::ws;
    else if (s == "is") *out = Dataflow::is;
    else return false;
    return true;
}

bool parse_systolic_mode(const std::string& s, SystolicMode* out) {
    if (s == "scalesim") *out = SystolicMode::scalesim;
    else if (s == "physical") *out = SystolicMode::physical;
    else return false;
    return true;
}

FoldInfo systolic_folds(uint64_t M, uint64_t K, uint64_t N, const SystolicParams& p) {
    const Checked ck = validate(M, K, N, 1, p);
    return folds_impl(M, K, N, p, ck);
}

uint64_t systolic_cycles(uint64_t M, uint64_t K, uint64_t N, uint64_t batch,
                         const SystolicParams& p) {
    const Checked ck = validate(M, K, N, batch, p);
    if (p.mode == SystolicMode::scalesim)
        return ck.mul(folds_impl(M, K, N, p, ck).total_cycles, batch);
    return physical_times(geometry(M, K, N, p), p.dataflow, batch, ck).total;
}

TilePlan systolic_plan(const Op& op, const SystolicParams& p) {
    if (!is_matmul(op.kind))
        throw std::invalid_argument(
            std::string("systolic model: op '") + op.name + "' is a " + to_string(op.kind) +
            "; a systolic array runs gemm, gemv, attention_qk, attention_pv");
    const uint64_t M = op.m, K = op.k, N = op.n;
    const Checked ck = validate(M, K, N, op.batch, p);
    const Geometry g = geometry(M, K, N, p);

    PlanCtx c;
    c.op = &op;
    c.p = &p;
    c.g = g;
    c.batch = op.batch;
    if (p.mode == SystolicMode::scalesim)
        c.scalesim_cpf = scalesim_cycles_per_fold(g, p.dataflow, ck);
    else
        c.phys = physical_times(g, p.dataflow, op.batch, ck);

    // Operand sizes of one instance and of the largest fold (header: DRAM rule, double buffering).
    const uint64_t r0 = g.rows_used(0), c0 = g.cols_used(0);
    const uint64_t a_all = op.a.matrix_bytes(K, M), b_all = op.b.matrix_bytes(K, N);
    const uint64_t acc = p.acc_bits;
    uint64_t a_fold = 0, b_fold = 0, out_fold = 0, out_all = 0;
    switch (p.dataflow) {
    case Dataflow::os:
        a_fold = op.a.matrix_bytes(K, r0);
        b_fold = op.b.matrix_bytes(K, c0);
        out_fold = op.out.payload_bytes(r0, c0);
        out_all = op.out.payload_bytes(M, N);
        c.reuse_fits = a_all <= p.ifmap_sram_bytes;
        c.os_b_panel_fits = b_fold <= p.filter_sram_bytes;
        break;
    case Dataflow::ws:
        a_fold = op.a.matrix_bytes(r0, M);
        b_fold = op.b.matrix_bytes(r0, c0);
        out_fold = bytes_of_bits(ck.mul3(M, c0, acc));
        out_all = bytes_of_bits(ck.mul3(M, N, acc));
        c.reuse_fits = a_all <= p.ifmap_sram_bytes;
        c.psum_fits = out_fold <= p.ofmap_sram_bytes;
        break;
    case Dataflow::is:
        a_fold = op.a.matrix_bytes(r0, c0);
        b_fold = op.b.matrix_bytes(r0, N);
        out_fold = bytes_of_bits(ck.mul3(c0, N, acc));
        out_all = bytes_of_bits(ck.mul3(M, N, acc));
        c.reuse_fits = b_all <= p.filter_sram_bytes;
        c.psum_fits = out_fold <= p.ofmap_sram_bytes;
        break;
    }
    // Double buffering (header): two folds' slices fit, or the whole operand of one instance is
    // resident. Every instance reloads its operands, so with batch > 1 the first fold of instance
    // i + 1 loads while the last fold of instance i computes: that fold's slices (the only ones
    // of instance i still in use; outputs: its output block, stored after it) plus the first
    // fold's must fit.
    const uint64_t r_end = g.rows_used(g.n_inner - 1), c_end = g.cols_used(g.n_outer - 1);
    uint64_t a_end = 0, b_end = 0, out_end = 0;  // slices of the last fold of an instance
    switch (p.dataflow) {
    case Dataflow::os:
        a_end = op.a.matrix_bytes(K, r_end);
        b_end = op.b.matrix_bytes(K, c_end);
        out_end = op.out.payload_bytes(r_end, c_end);
        break;
    case Dataflow::ws:
        a_end = op.a.matrix_bytes(r_end, M);
        b_end = op.b.matrix_bytes(r_end, c_end);
        out_end = bytes_of_bits(ck.mul3(M, c_end, acc));
        break;
    case Dataflow::is:
        a_end = op.a.matrix_bytes(r_end, c_end);
        b_end = op.b.matrix_bytes(r_end, N);
        out_end = bytes_of_bits(ck.mul3(c_end, N, acc));
        break;
    }
    auto buffered = [&](uint64_t all, uint64_t fold, uint64_t end, uint64_t cap) {
        if (ck.mul(fold, 2) <= cap) return true;
        return all <= cap && (op.batch == 1 || ck.add(end, fold) <= cap);
    };
    choose_loop_order(c, ck);

    TilePlan plan;
    plan.peak_ops_per_cycle = ck.mul(p.rows, p.cols);
    plan.double_buffered = buffered(a_all, a_fold, a_end, p.ifmap_sram_bytes) &&
                           buffered(b_all, b_fold, b_end, p.filter_sram_bytes) &&
                           buffered(out_all, out_fold, out_end, p.ofmap_sram_bytes);

    // Folds in SCALE-Sim order (instance, column fold o, row fold i), grouped into segments of
    // identical folds so that the plan stays small for large shapes.
    std::vector<Tile> all;
    for (const Segment& si : segments(op.batch)) {
        std::vector<Tile> inst;
        for (const Segment& so : segments(g.n_outer, outer_period(c))) {
            std::vector<Tile> col;
            for (const Segment& sr : segments(g.n_inner, inner_period(c)))
                append_run(col, fold_tile(c, so.start, sr.start, si.start, ck), sr.count);
            append_runs(inst, col, so.count);
        }
        append_runs(all, inst, si.count);
    }
    plan.tiles = std::move(all);

    // K-split (SystolicParams::k_split): output stationary, one row fold (every B panel is used by
    // one fold only), not double buffered: the fewest equal K pieces (cut at multiples of the
    // operands' scale groups) with which two pieces' slices fit their buffers. The pieces' loads
    // shrink with their count, so the smallest count is found by binary search.
    if (p.k_split && !plan.double_buffered && p.dataflow == Dataflow::os && g.n_inner == 1 &&
        !c.blocked && c.chunk <= 1) {
        uint64_t U = 1;
        for (uint64_t gk : {k_group(op.a), k_group(op.b)})
            if (gk) U = std::lcm(U, gk);
        const uint64_t n_units = ceil_div(K, U);
        const std::vector<std::string> end_only = {"sram_write_bits.ofmap"};
        auto split = [&](uint64_t kp, bool* db) {
            const uint64_t piece_k = std::min(K, ceil_div(n_units, kp) * U);
            std::vector<Tile> v;
            for (const Tile& t : plan.tiles) append_runs(v, split_k(t, K, piece_k, end_only), t.count);
            uint64_t max_a = 0, max_b = 0;
            for (const Tile& t : v) {
                max_a = std::max(max_a, t.load_a_bytes);
                max_b = std::max(max_b, t.load_b_bytes);
            }
            *db = buffered(a_all, std::max(max_a, ceil_div(a_fold, kp)), max_a, p.ifmap_sram_bytes) &&
                  buffered(b_all, std::max(max_b, ceil_div(b_fold, kp)), max_b, p.filter_sram_bytes) &&
                  buffered(out_all, out_fold, out_end, p.ofmap_sram_bytes);
            return v;
        };
        // Double the piece count until two pieces fit (usually at 2), then binary search below.
        bool db = false;
        uint64_t lo = 2, hi = 2;
        std::vector<Tile> found;
        while (n_units > 1) {
            found = split(hi, &db);
            if (db || hi == n_units) break;
            lo = hi + 1;
            hi = std::min(n_units, 2 * hi);
        }
        if (db) {
            while (lo < hi) {  // hi fits, everything below lo does not
                const uint64_t mid = lo + (hi - lo) / 2;
                bool ok = false;
                std::vector<Tile> t = split(mid, &ok);
                if (ok) {
                    hi = mid;
                    found = std::move(t);
                } else {
                    lo = mid + 1;
                }
            }
            plan.tiles = std::move(found);
            plan.double_buffered = true;
        }
    }
    return plan;
}

}  // namespace qasim::models

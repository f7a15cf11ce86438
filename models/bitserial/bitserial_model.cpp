#include "models/bitserial/bitserial_model.h"

#include <numeric>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "models/tile_runs.h"

namespace qasim::models {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

[[noreturn]] void overflow(const std::string& ctx) {
    throw std::invalid_argument("bitserial model: " + ctx + " overflows the 64-bit counters");
}

uint64_t mul(uint64_t a, uint64_t b, const std::string& ctx) {
    uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) overflow(ctx);
    return r;
}

uint64_t add(uint64_t a, uint64_t b, const std::string& ctx) {
    uint64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) overflow(ctx);
    return r;
}


/// Scale per output channel/tensor (or along N): rescaled once per output, not per group.
bool output_scaled(const Format& f) {
    return f.gran == Granularity::channel || f.gran == Granularity::tensor ||
           (f.gran == Granularity::group && f.group_along_n) || f.tensor_scale_bits > 0;
}

/// Operands whose products need an exponent add before the integer serial steps.
bool has_exponent(const Format& f) {
    return f.kind == NumKind::floating || f.kind == NumKind::bitmod || f.kind == NumKind::ovp;
}

std::string shape_str(uint64_t M, uint64_t K, uint64_t N, const BitserialParams& p) {
    return "GEMM M=" + std::to_string(M) + " K=" + std::to_string(K) + " N=" + std::to_string(N) +
           " on a " + std::to_string(p.rows) + "x" + std::to_string(p.cols) + " bit-serial array";
}

void validate_params(const BitserialParams& p, const std::string& s) {
    if (p.rows == 0 || p.cols == 0 || p.bits_per_cycle == 0 || p.dot_width == 0 || p.acc_bits == 0)
        throw std::invalid_argument(
            "bitserial model: " + s +
            ": rows, cols, bits_per_cycle, dot_width and acc_bits must be >= 1");
}

const Format& serial_fmt(const Format& a, const Format& b, const BitserialParams& p) {
    return p.serial == SerialOperand::weight ? b : a;
}
const Format& parallel_fmt(const Format& a, const Format& b, const BitserialParams& p) {
    return p.serial == SerialOperand::weight ? a : b;
}

/// Index ranges of 0..n-1 whose tiles are equal: cuts at 0, 1 and n-1.
std::vector<Segment> segments(uint64_t n) { return cut_segments({0, 1, n - 1}, n); }

uint64_t bytes_of_bits(uint64_t bits) { return bits / 8 + (bits % 8 != 0); }

}  // namespace

const char* to_string(SerialOperand s) {
    return s == SerialOperand::weight ? "weight" : "activation";
}

uint32_t serial_bits(const Format& f) {
    return static_cast<uint32_t>(std::max(1, f.serial_passes()));
}

uint32_t parallel_slices(const Format& op, const Format& pe) {
    const bool op_float = op.kind == NumKind::floating;
    if (pe.kind == NumKind::floating) {
        if (op_float) return (op.exp_bits <= pe.exp_bits && op.man_bits <= pe.man_bits) ? 1 : 0;
        const uint32_t w = static_cast<uint32_t>(pe.man_bits + 2);
        return static_cast<uint32_t>(ceil_div(static_cast<uint64_t>(op.multiplier_bits()), w));
    }
    const uint64_t w = static_cast<uint64_t>(std::max(1, pe.multiplier_bits()));
    const uint64_t need = static_cast<uint64_t>(op_float ? op.man_bits + 2 : op.multiplier_bits());
    return static_cast<uint32_t>(std::max<uint64_t>(1, ceil_div(need, w)));
}

BitserialInfo bitserial_info(uint64_t M, uint64_t K, uint64_t N, const Format& a, const Format& b,
                             const BitserialParams& p) {
    const std::string s = shape_str(M, K, N, p);
    validate_params(p, s);
    if (M == 0 || K == 0 || N == 0)
        throw std::invalid_argument("bitserial model: " + s + ": M, K and N must be >= 1");
    const Format& par = parallel_fmt(a, b, p);
    const uint32_t slices = parallel_slices(par, p.parallel_format);
    if (slices == 0)
        throw std::invalid_argument("bitserial model: " + s + ": the parallel operand format " +
                                    par.spec + " does not fit the " + p.parallel_format.spec +
                                    " datapath");
    BitserialInfo r;
    r.passes = ceil_div(serial_bits(serial_fmt(a, b, p)), p.bits_per_cycle) * slices;
    uint64_t G = 0;
    for (uint64_t g : {k_group(a), k_group(b)})
        if (g) G = G ? std::min(G, g) : g;
    const uint64_t D = p.dot_width;
    uint64_t steps_per_group = 0;
    if (G) {
        r.groups = ceil_div(K, G);
        steps_per_group = ceil_div(std::min(G, K), D);
        r.k_steps = add(mul(K / G, ceil_div(G, D), s), ceil_div(K % G, D), s);
    } else {
        r.k_steps = ceil_div(K, D);
    }
    r.n_blocks = ceil_div(N, p.rows);
    r.m_blocks = ceil_div(M, p.cols);
    const uint64_t blocks = mul(r.n_blocks, r.m_blocks, s);
    r.bs_cycles = mul(mul(blocks, r.k_steps, s), r.passes, s);
    if (G) {
        const uint64_t hidden = mul(steps_per_group, r.passes, s);
        const uint64_t stall = p.dequant_cycles > hidden ? p.dequant_cycles - hidden : 0;
        r.stall_cycles = mul(mul(blocks, r.groups, s), stall, s);
    }
    const bool scaled = G || output_scaled(a) || output_scaled(b);
    r.drain_cycles = scaled ? p.dequant_cycles : 0;
    r.total_cycles = add(add(r.bs_cycles, r.stall_cycles, s), r.drain_cycles, s);
    return r;
}

TilePlan bitserial_plan(const Op& op, const BitserialParams& p) {
    if (!is_matmul(op.kind))
        throw std::invalid_argument(std::string("bitserial model: op '") + op.name + "' is a " +
                                    to_string(op.kind) +
                                    "; a bit-serial array runs gemm, gemv, attention_qk, "
                                    "attention_pv");
    const uint64_t M = op.m, K = op.k, N = op.n;
    const std::string s = shape_str(M, K, N, p) + " (op '" + op.name + "')";
    if (op.batch == 0)
        throw std::invalid_argument("bitserial model: " + s + ": batch must be >= 1");
    unsigned __int128 prod = static_cast<unsigned __int128>(M) * K;
    prod = prod * N * op.batch * 64;
    if (prod > (static_cast<unsigned __int128>(1) << 63)) overflow(s);
    const BitserialInfo info = bitserial_info(M, K, N, op.a, op.b, p);
    const uint64_t R = p.rows, C = p.cols, nB = info.n_blocks, mB = info.m_blocks;
    const uint64_t last_rows = N - (nB - 1) * R, last_cols = M - (mB - 1) * C;
    // Rows (N) of n-blocks [o0, o1) and columns (M) of m-blocks [i0, i1).
    auto rows_of = [&](uint64_t o0, uint64_t o1) {
        return (o1 - o0 - 1) * R + (o1 == nB ? last_rows : R);
    };
    auto cols_of = [&](uint64_t i0, uint64_t i1) {
        return (i1 - i0 - 1) * C + (i1 == mB ? last_cols : C);
    };

    // Loop order and DRAM traffic (header): keep the operand that fits resident; if neither fits,
    // keep chunks of one of them (half its buffer, so the next chunk loads into the other half)
    // and re-stream the other once per chunk, choosing the order with less traffic (the BitMoD
    // artifact's refetch rule, accelerator.py `_calc_num_mem_refetch`).
    const uint64_t w_all = op.b.matrix_bytes(K, N), a_all = op.a.matrix_bytes(K, M);
    const bool a_fits = a_all <= p.act_sram_bytes, w_fits = w_all <= p.weight_sram_bytes;
    const uint64_t w_slice = op.b.matrix_bytes(K, std::min(N, R));
    const uint64_t a_slice = op.a.matrix_bytes(K, std::min(M, C));
    bool n_outer = true;  // chunks of N blocks outer (weights held), M blocks inner
    uint64_t chunk = 1;
    if (!a_fits && !w_fits) {
        const uint64_t cw = std::max<uint64_t>(1, p.weight_sram_bytes / (2 * w_slice));
        const uint64_t ca = std::max<uint64_t>(1, p.act_sram_bytes / (2 * a_slice));
        const double tb = static_cast<double>(w_all) +
                          static_cast<double>(a_all) * static_cast<double>(ceil_div(nB, cw));
        const double ta = static_cast<double>(a_all) +
                          static_cast<double>(w_all) * static_cast<double>(ceil_div(mB, ca));
        n_outer = tb <= ta;
        chunk = n_outer ? cw : ca;
    } else if (!a_fits) {
        n_outer = false;  // weights resident: stream A blocks once
    }
    const uint64_t outer_blocks = n_outer ? nB : mB, inner_blocks = n_outer ? mB : nB;
    const uint64_t n_chunks = ceil_div(outer_blocks, chunk);
    const bool inner_resident = n_outer ? a_fits : w_fits;
    const uint64_t out_all = op.out.payload_bytes(M, N);
    const bool hold_out = out_all <= p.out_sram_bytes;

    const bool grouped = info.groups > 0;
    const bool out_scaled = output_scaled(op.a) || output_scaled(op.b);
    const uint64_t rescales = grouped ? info.groups : (out_scaled ? 1 : 0);
    const bool exp = has_exponent(op.a) || has_exponent(op.b);
    const uint64_t stall_per_block = info.stall_cycles / (nB * mB);
    const uint64_t block_cycles = add(mul(info.k_steps, info.passes, s), stall_per_block, s);
    const uint64_t meta_a = static_cast<uint64_t>(op.a.scale_bits + op.a.zero_bits);
    const uint64_t meta_b = static_cast<uint64_t>(op.b.scale_bits + op.b.zero_bits);

    // K pieces (header, "K-split"): with one inner block every operand slice is used by one tile
    // only, so a tile may stream its K range in `kp` pieces (the outputs stay in the PE
    // accumulators: output stationary) and the next piece loads while this one computes. Pieces
    // are cut at multiples of U = lcm(D, scale group sizes), so K-steps, scale groups and their
    // stalls add up exactly to the whole tile's.
    uint64_t U = p.dot_width;
    for (uint64_t g : {k_group(op.a), k_group(op.b)})
        if (g) U = std::lcm(U, g);
    const uint64_t n_units = ceil_div(K, U);
    uint64_t G = 0;  // the smaller scale group size (as bitserial_info)
    for (uint64_t g : {k_group(op.a), k_group(op.b)})
        if (g) G = G ? std::min(G, g) : g;
    const uint64_t stall_per_group = info.groups ? stall_per_block / info.groups : 0;

    // Tile = outer chunk c × inner block j × K piece q of kp: the chunk's blocks of the outer
    // operand against one block of the inner operand, over K range [k0, k1). The chunk's outer
    // slices load at j == 0; the inner block loads at the chunk's start unless it stays resident
    // from the first chunk.
    auto tile = [&](uint64_t c, uint64_t j, bool last_of_instance, uint64_t q, uint64_t kp) {
        const uint64_t per = ceil_div(n_units, kp) * U;
        const uint64_t k0 = q * per, k1 = std::min(K, (q + 1) * per);
        const uint64_t Kq = k1 - k0;
        const bool last_piece = k1 == K;
        uint64_t ks = 0, groups_q = 0;
        if (info.groups) {
            groups_q = ceil_div(Kq, G);
            ks = add(mul(Kq / G, ceil_div(G, p.dot_width), s), ceil_div(Kq % G, p.dot_width), s);
        } else {
            ks = ceil_div(Kq, p.dot_width);
        }
        const uint64_t piece_cycles =
            kp == 1 ? block_cycles
                    : add(mul(ks, info.passes, s), mul(groups_q, stall_per_group, s), s);
        const uint64_t c0 = c * chunk, c1 = std::min(outer_blocks, c0 + chunk);
        const uint64_t o0 = n_outer ? c0 : j, o1 = n_outer ? c1 : j + 1;
        const uint64_t i0 = n_outer ? j : c0, i1 = n_outer ? j + 1 : c1;
        const uint64_t rows = rows_of(o0, o1), cols = cols_of(i0, i1);
        const uint64_t no = o1 - o0, ni = i1 - i0;  // blocks of each kind in the tile
        Tile t;
        t.compute_cycles = mul(mul(no, ni, s), piece_cycles, s);
        if (last_of_instance && last_piece)
            t.compute_cycles = add(t.compute_cycles, info.drain_cycles, s);
        t.macs = mul(mul(rows, cols, s), Kq, s);
        const bool load_outer = j == 0, load_inner = c == 0 || !inner_resident;
        const bool load_w = n_outer ? load_outer : load_inner;
        const bool load_a = n_outer ? load_inner : load_outer;
        // A piece loads its K range: the cumulative bytes up to k1 minus those up to k0, so that
        // metadata not along K (per-channel scales) is loaded once, by the first piece, and the
        // pieces add up to the whole slice exactly.
        auto piece_bytes = [&](const Format& f, uint64_t cols_or_rows) {
            return k0 == 0 ? f.matrix_bytes(k1, cols_or_rows)
                           : f.matrix_bytes(k1, cols_or_rows) - f.matrix_bytes(k0, cols_or_rows);
        };
        if (load_w) t.load_b_bytes = piece_bytes(op.b, rows);
        if (load_a) t.load_a_bytes = piece_bytes(op.a, cols);
        // Outputs: held in the output buffer and written back once at the instance's end if all
        // of them fit, else stored by every tile (after its last K piece).
        if (last_piece)
            t.store_bytes =
                hold_out ? (last_of_instance ? out_all : 0) : op.out.payload_bytes(cols, rows);
        // Buffer reads: each block reads its Kq × rows weights and Kq × cols activations.
        const uint64_t wbits =
            mul(mul(mul(Kq, rows, s), static_cast<uint64_t>(op.b.bits), s), ni, s);
        const uint64_t abits =
            mul(mul(mul(Kq, cols, s), static_cast<uint64_t>(op.a.bits), s), no, s);
        uint64_t mbits = 0;
        if (k_group(op.b)) mbits += ceil_div(Kq, k_group(op.b)) * rows * meta_b * ni;
        if (k_group(op.a)) mbits += ceil_div(Kq, k_group(op.a)) * cols * meta_a * no;
        const uint64_t obits =
            last_piece ? mul(mul(rows, cols, s), static_cast<uint64_t>(op.out.bits), s) : 0;
        t.sram_read_bytes = bytes_of_bits(wbits + abits + mbits);
        t.sram_write_bytes = bytes_of_bits(obits);
        t.actions.add("bs_step", mul(mul(rows, cols, s), mul(ks, info.passes, s), s));
        if (exp) t.actions.add("exp_align", t.macs);
        // Rescales: one per scale group (grouped), else one per output after the last piece.
        const uint64_t rescales_q = grouped ? groups_q : (last_piece ? rescales : 0);
        t.actions.add("dequant", mul(mul(rows, cols, s), kp == 1 ? rescales : rescales_q, s));
        uint64_t bitmod = 0, ovp = 0;
        if (op.b.kind == NumKind::bitmod) bitmod += Kq * rows * ni;
        if (op.a.kind == NumKind::bitmod) bitmod += Kq * cols * no;
        if (op.b.kind == NumKind::ovp) ovp += Kq * rows * ni;
        if (op.a.kind == NumKind::ovp) ovp += Kq * cols * no;
        t.actions.add("bitmod_decode", bitmod);
        t.actions.add("ovp_decode", ovp);
        t.actions.add("sram_read_bits.weight", wbits);
        t.actions.add("sram_read_bits.act", abits);
        t.actions.add("sram_read_bits.meta", mbits);
        t.actions.add("sram_write_bits.out", obits);
        return t;
    };

    // One tile as its kp pieces (run-length encoded).
    auto pieces = [&](uint64_t c, uint64_t j, bool last_of_instance, uint64_t kp) {
        std::vector<Tile> v;
        const uint64_t per_units = ceil_div(n_units, kp);
        const uint64_t used = ceil_div(n_units, per_units);  // non-empty pieces
        // The first piece carries the metadata not along K; the middle ones are equal.
        if (used > 1) append_run(v, tile(c, j, last_of_instance, 0, kp), 1);
        if (used > 2) append_run(v, tile(c, j, last_of_instance, 1, kp), used - 2);
        append_run(v, tile(c, j, last_of_instance, used - 1, kp), 1);
        return v;
    };

    auto instance = [&](uint64_t kp) {
        std::vector<Tile> v;
        for (const Segment& sc : segments(n_chunks)) {
            std::vector<Tile> col;
            for (const Segment& sj : segments(inner_blocks)) {
                const bool has_last =
                    sc.start == n_chunks - 1 && sj.start + sj.count == inner_blocks;
                if (has_last && sj.count > 1) {
                    append_runs(col, pieces(sc.start, sj.start, false, kp), sj.count - 1);
                    append_runs(col, pieces(sc.start, sj.start, true, kp), 1);
                } else {
                    append_runs(col, pieces(sc.start, sj.start, has_last, kp), sj.count);
                }
            }
            // The chunk segment repeats its inner-block list sc.count times.
            append_runs(v, col, sc.count);
        }
        return v;
    };

    const uint64_t c_last = (n_chunks - 1) * chunk;  // first outer block of the last chunk
    const uint64_t end_rows = n_outer ? rows_of(c_last, nB) : rows_of(nB - 1, nB);
    const uint64_t end_cols = n_outer ? cols_of(mB - 1, mB) : cols_of(c_last, mB);
    const uint64_t c1 = std::min(outer_blocks, chunk);  // outer blocks of the first chunk
    const uint64_t first_out = n_outer ? op.out.payload_bytes(cols_of(0, 1), rows_of(0, c1))
                                       : op.out.payload_bytes(cols_of(0, c1), rows_of(0, 1));
    auto build = [&](uint64_t kp) {
        TilePlan plan;
        std::vector<Tile> tiles;
        append_runs(tiles, instance(kp), op.batch);  // instances are identical
        uint64_t max_a = 0, max_w = 0, max_o = 0;
        for (const auto& t : tiles) {
            max_a = std::max(max_a, t.load_a_bytes);
            max_w = std::max(max_w, t.load_b_bytes);
            max_o = std::max(max_o, t.store_bytes);
        }
        plan.tiles = std::move(tiles);
        plan.peak_ops_per_cycle =
            std::max<uint64_t>(1, R * C * p.dot_width / std::max<uint64_t>(1, info.passes));
        // Double buffering (header): per buffer, two tiles' loads (stores) fit, or the operand is
        // resident (whole instance fits). Every instance reloads both operands (its own K/V, its
        // own A), so with batch > 1 the first tile of instance i + 1 loads while the last tile of
        // instance i computes: the operand data that last tile still reads (its weight rows / A
        // columns; earlier blocks are dead) plus that first load must fit. Held outputs are all
        // live until the store after the last tile, while the next instance's first tile
        // produces its own.
        const Tile& first = plan.tiles.front();  // the first tile of every instance
        auto buffered = [&](bool resident, uint64_t live_at_end, uint64_t first_bytes,
                            uint64_t max_tile, uint64_t cap) {
            if (2 * max_tile <= cap) return true;
            return resident && (op.batch == 1 || live_at_end + first_bytes <= cap);
        };
        plan.double_buffered =
            buffered(w_fits, op.b.matrix_bytes(K, end_rows), first.load_b_bytes, max_w,
                     p.weight_sram_bytes) &&
            buffered(a_fits, op.a.matrix_bytes(K, end_cols), first.load_a_bytes, max_a,
                     p.act_sram_bytes) &&
            buffered(hold_out, out_all, first_out, max_o, p.out_sram_bytes);
        return plan;
    };

    TilePlan plan = build(1);
    // K-split: the fewest pieces that make the plan double buffered (one inner block only). The
    // pieces' loads shrink as kp grows, so double buffering is monotone in kp: double kp until it
    // holds (usually at 2), then binary search below.
    if (p.k_split && !plan.double_buffered && inner_blocks == 1 && n_units > 1) {
        uint64_t lo = 2, hi = 2;
        TilePlan found;
        bool ok = false;
        for (;;) {
            found = build(hi);
            if ((ok = found.double_buffered) || hi == n_units) break;
            lo = hi + 1;
            hi = std::min(n_units, 2 * hi);
        }
        if (ok) {
            while (lo < hi) {  // hi is double buffered, everything below lo is not
                const uint64_t mid = lo + (hi - lo) / 2;
                TilePlan t = build(mid);
                if (t.double_buffered) {
                    hi = mid;
                    found = std::move(t);
                } else {
                    lo = mid + 1;
                }
            }
            plan = std::move(found);
        }
    }
    return plan;
}

}  // namespace qasim::models

#include "models/lut_core/lut_model.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/tile_runs.h"

namespace qasim::models {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return b == 0 ? 0 : (a + b - 1) / b; }

uint64_t ceil_log2(uint64_t x) {
    uint64_t l = 0;
    while ((uint64_t{1} << l) < x) ++l;
    return l;
}

uint64_t bits_to_bytes(uint64_t bits) { return ceil_div(bits, 8); }

bool is_fp8(const Format& f) { return f.is_float() && f.bits == 8; }

/// Scale multiplies per output after the planes are combined (see the file header).
uint64_t rescales_per_output(const Format& b, uint64_t k) {
    if (b.scale_bits == 0) return 0;
    switch (b.gran) {
    case Granularity::group:
        return b.group_along_n ? k : ceil_div(k, b.group);
    case Granularity::channel:
    case Granularity::tensor:
        return 1;
    default:
        return 1;
    }
}

bool mac_fits(const Format& op, const Format& pe) {
    if (pe.is_float()) {
        if (op.is_float()) return op.exp_bits <= pe.exp_bits && op.man_bits <= pe.man_bits;
        return op.multiplier_bits() <= pe.man_bits + 2;
    }
    return !op.is_float() && op.multiplier_bits() <= pe.bits;
}

/// Bytes of `rows` rows of A (groups along K).
uint64_t a_rows_bytes(const Format& a, uint64_t rows, uint64_t k) { return a.matrix_bytes(k, rows); }

}  // namespace

const char* to_string(Precompute p) { return p == Precompute::on_chip ? "on_chip" : "fused"; }

uint32_t lut_weight_planes(const Format& b) {
    if (b.kind == NumKind::ternary) return 2;
    if (b.kind == NumKind::integer && b.bits >= 1 && b.bits <= 4) return static_cast<uint32_t>(b.bits);
    throw std::invalid_argument("LUT tensor core: weight format " + b.spec +
                                " is not a 1-4-bit integer or ternary format");
}

uint64_t lut_table_entries(uint64_t group_k, bool symmetric) {
    if (group_k == 0 || group_k > 16) throw std::invalid_argument("LUT tensor core: group_k must be 1..16");
    return uint64_t{1} << (symmetric ? group_k - 1 : group_k);
}

uint32_t lut_entry_bits(const Format& a, uint64_t group_k, uint32_t table_bits) {
    if (table_bits) return table_bits;
    if (a.is_float()) return 16;  // fp16 tables for fp16/bf16 and fp8 activations (file header)
    return static_cast<uint32_t>(a.bits + ceil_log2(group_k));
}

uint64_t lut_build_adds(uint64_t group_k, bool symmetric) {
    const uint64_t e = lut_table_entries(group_k, symmetric);
    if (symmetric) return (group_k - 1) + (e - 1);
    return e - 1 - group_k;
}

std::string lut_core_support(const Op& op, const LutCoreParams& p) {
    if (!is_matmul(op.kind))
        return std::string("a tensor core runs matmul ops (gemm, gemv, attention_qk, attention_pv), not ") +
               to_string(op.kind);
    const Format& a = op.a;
    const Format& b = op.b;
    if (p.datapath == TcDatapath::lut) {
        const bool b_ok = b.kind == NumKind::ternary || (b.kind == NumKind::integer && b.bits >= 1 && b.bits <= 4);
        if (!b_ok)
            return "a LUT tensor core takes 1-4-bit integer or ternary weights (operand B), got " + b.spec +
                   (b.kind == NumKind::integer && b.bits > 4
                        ? std::string(": ") + std::to_string(b.bits) +
                              "-bit weights need a MAC unit (mac_tensor_core or systolic_array)"
                        : std::string(""));
        const bool a_ok = (a.kind == NumKind::integer && a.bits >= 2 && a.bits <= 8) ||
                          (a.is_float() && (a.bits == 16 || is_fp8(a)));
        if (!a_ok)
            return "a LUT tensor core takes int2..int8, fp16, bf16 or fp8 activations (operand A), got " + a.spec;
        if (!mac_fits(a, p.act_format))
            return "operand A format " + a.spec + " does not fit the " + p.act_format.spec +
                   " tables of this LUT core (act_format)";
        return "";
    }
    if (!mac_fits(a, p.mac_format))
        return "operand A format " + a.spec + " does not fit the " + p.mac_format.spec + " MAC datapath";
    const bool b_int = b.kind == NumKind::integer || b.kind == NumKind::ternary;
    if (b_int && b.bits > 8)
        return "operand B format " + b.spec + ": the dequantizer takes integer weights of at most 8 bits";
    if (!b_int && !(b.is_float() && mac_fits(b, p.mac_format)))
        return "operand B format " + b.spec + " has no dequantizer to " + p.mac_format.spec +
               " on a MAC tensor core (integer, ternary or a float that fits)";
    return "";
}

LutBlocking lut_blocking(const Op& op, const LutCoreParams& p) {
    const uint64_t M = op.m, K = op.k, N = op.n;
    const bool lut = p.datapath == TcDatapath::lut;
    const uint64_t sn = p.tile_n * p.engines;
    LutBlocking r;
    r.b_resident = op.b.matrix_bytes(K, N) <= p.weight_sram_bytes;
    // Largest count x in [1, hi] with ok(x) (ok monotone decreasing); 0 if ok(1) fails.
    auto largest = [](uint64_t hi, const auto& ok) -> uint64_t {
        if (!ok(1)) return 0;
        uint64_t lo = 1;
        while (lo < hi) {
            const uint64_t mid = lo + (hi - lo + 1) / 2;
            if (ok(mid)) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    };
    // Columns and K chunk: two B chunks of kc × bn fit the weight buffer.
    const uint64_t n_max = ceil_div(N, sn) * sn;
    uint64_t kq = p.tile_k;  // K chunk quantum: tile_k, and whole scale groups along K
    if (op.b.gran == Granularity::group && !op.b.group_along_n && op.b.group > 0) {
        uint64_t a = kq, b = op.b.group;
        while (b) {
            const uint64_t t = a % b;
            a = b;
            b = t;
        }
        kq = kq / a * op.b.group;
    }
    bool ok_b = true;
    const uint64_t xn = largest(n_max / sn, [&](uint64_t x) {
        return 2 * op.b.matrix_bytes(K, x * sn) <= p.weight_sram_bytes;
    });
    if (xn > 0) {
        r.bn = xn * sn;
        r.kc = K;
    } else {
        r.bn = std::min(sn, n_max);
        const uint64_t xk = largest(ceil_div(K, kq), [&](uint64_t x) {
            return 2 * op.b.matrix_bytes(x * kq, r.bn) <= p.weight_sram_bytes;
        });
        ok_b = xk > 0;
        r.kc = std::min(K, std::max<uint64_t>(xk, 1) * kq);
    }
    // A resident B is loaded once per instance (its chunks by the first row superblock) and every
    // instance reloads its own B (heads: own K/V). With batch > 1 the first chunk of instance
    // i + 1 (the first tile's kc × min(bn, N)) is prefetched while the last tile of instance i
    // computes, which still reads the last chunk (kc_last × bn_last; the other chunks are dead):
    // both must fit.
    if (r.b_resident && !ok_b && op.batch > 1) {
        const uint64_t kch = ceil_div(K, r.kc), cbs = ceil_div(N, r.bn);
        const uint64_t first_b = op.b.matrix_bytes(r.kc, std::min(r.bn, N));
        const uint64_t last_b = op.b.matrix_bytes(K - (kch - 1) * r.kc, N - (cbs - 1) * r.bn);
        ok_b = first_b + last_b <= p.weight_sram_bytes;
    } else if (r.b_resident) {
        ok_b = true;
    }
    // Rows: two row blocks of A / tables (full K), and the accumulators (acc_bits, when K is
    // chunked) plus two output blocks in the output buffer.
    const uint64_t entries = lut ? lut_table_entries(p.group_k, p.symmetric_table) : 0;
    const uint64_t ebits = lut ? lut_entry_bits(p.act_format, p.group_k, p.table_bits) : 0;
    const uint64_t groups = lut ? ceil_div(K, p.group_k) : 0;
    const bool chunked = r.kc < K;
    auto fits = [&](uint64_t x) {
        const uint64_t bm = x * p.tile_m;
        const bool need_a = !lut || p.precompute == Precompute::on_chip;
        if (need_a && 2 * a_rows_bytes(op.a, bm, K) > p.act_sram_bytes) return false;
        if (lut && 2 * bits_to_bytes(bm * groups * entries * ebits) > p.table_sram_bytes) return false;
        const uint64_t acc = chunked ? bits_to_bytes(bm * r.bn * p.acc_bits) : 0;
        if (acc + 2 * op.out.matrix_bytes(r.bn, bm) > p.out_sram_bytes) return false;
        return true;
    };
    const uint64_t xm = largest(ceil_div(M, p.tile_m), fits);
    r.tables_double_buffered =
        lut && 2 * bits_to_bytes(std::max<uint64_t>(xm, 1) * p.tile_m * groups * entries * ebits) <= p.table_sram_bytes;
    r.bm = std::max<uint64_t>(xm, 1) * p.tile_m;
    r.double_buffered = ok_b && xm > 0;
    // Loop order (header: Blocking). Row superblocks: consecutive row blocks whose tables (lut) or
    // A rows (mac) stay resident, two superblocks in the buffer (the next one is built/loaded while
    // the current one computes), so that every B chunk streams once per superblock.
    const uint64_t row_blocks = ceil_div(M, r.bm), col_blocks = ceil_div(N, r.bn);
    r.super_rows = r.bm;
    if (!r.b_resident && xm > 0) {
        const uint64_t xs = largest(row_blocks, [&](uint64_t x) {
            const uint64_t rows = std::min(M, x * r.bm);
            if (lut) return 2 * bits_to_bytes(rows * groups * entries * ebits) <= p.table_sram_bytes;
            return 2 * a_rows_bytes(op.a, rows, K) <= p.act_sram_bytes;
        });
        r.super_rows = std::max<uint64_t>(xs, 1) * r.bm;
    }
    // Weight-resident order (mac, lut fused; K not chunked): column superblocks of B (full K, two
    // in the weight buffer) outer, A rows / tables re-streamed once per column superblock. Taken
    // when it moves fewer bytes than the row order. Not for lut on_chip: re-streaming A would
    // rebuild every table once per column superblock (more compute), which this model does not do.
    if (!r.b_resident && (!lut || p.precompute == Precompute::fused) && r.kc == K) {
        const uint64_t xc = largest(col_blocks, [&](uint64_t x) {
            return 2 * op.b.matrix_bytes(K, std::min(N, x * r.bn)) <= p.weight_sram_bytes;
        });
        if (xc > 0) {
            const uint64_t cols = xc * r.bn;
            const unsigned __int128 b_all = op.b.matrix_bytes(K, N);
            const unsigned __int128 a_all =
                lut ? bits_to_bytes(M * groups * entries * ebits) : a_rows_bytes(op.a, M, K);
            const unsigned __int128 row_order = a_all + b_all * ceil_div(M, r.super_rows);
            const unsigned __int128 col_order = b_all + a_all * ceil_div(N, cols);
            if (col_order < row_order) {
                r.b_outer = true;
                r.super_cols = cols;
                r.super_rows = r.bm;
            }
        }
    }
    return r;
}

uint64_t lut_block_cycles(uint64_t bm, uint64_t bn, uint64_t k, uint32_t planes, const LutCoreParams& p) {
    const uint64_t steps = ceil_div(bm, p.tile_m) * ceil_div(bn, p.tile_n * p.engines) * ceil_div(k, p.tile_k);
    if (p.datapath == TcDatapath::mac) return steps;
    return steps * planes * ceil_div(p.tile_n, p.lookup_ports);
}

TilePlan lut_core_plan(const Op& op, const LutCoreParams& p) {
    if (auto why = lut_core_support(op, p); !why.empty()) throw std::invalid_argument(why);
    if (op.m == 0 || op.k == 0 || op.n == 0 || op.batch == 0)
        throw std::invalid_argument("tensor core: zero matmul dimension");
    if (p.engines == 0 || p.tile_m == 0 || p.tile_n == 0 || p.tile_k == 0 || p.lookup_ports == 0 ||
        p.weight_reuse_m == 0)
        throw std::invalid_argument("tensor core: zero engine or tile size");
    const bool lut = p.datapath == TcDatapath::lut;
    if (lut && (p.group_k == 0 || p.tile_k % p.group_k != 0))
        throw std::invalid_argument("LUT tensor core: tile_k must be a multiple of group_k");
    const uint64_t M = op.m, K = op.k, N = op.n;
    if (M > (1ull << 24) || K > (1ull << 24) || N > (1ull << 24))
        throw std::invalid_argument("tensor core: matmul dimension above 2^24");
    // Per-tile counts reach M·N·K·planes·entry bits: keep them inside 64 bits.
    if (static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K) * 4096.0 > 1.8e19)
        throw std::invalid_argument("tensor core: M·K·N = " + std::to_string(M) + "·" + std::to_string(K) + "·" +
                                    std::to_string(N) + " overflows the 64-bit action counters");

    const Format& a = op.a;
    const Format& b = op.b;
    const uint32_t planes = lut ? lut_weight_planes(b) : 1;
    const uint64_t entries = lut ? lut_table_entries(p.group_k, p.symmetric_table) : 0;
    const uint64_t ebits = lut ? lut_entry_bits(p.act_format, p.group_k, p.table_bits) : 0;
    const uint64_t G = lut ? ceil_div(K, p.group_k) : 0;
    const uint64_t gpk = lut ? p.tile_k / p.group_k : 0;
    const uint64_t sn = p.tile_n * p.engines;
    const bool on_chip = p.precompute == Precompute::on_chip;
    const bool needs_dequant = !b.is_float() || b.has_metadata();
    const uint64_t rescales = lut ? rescales_per_output(b, K) : 0;
    const bool bias = lut && (p.symmetric_table || b.kind == NumKind::ternary);
    const uint64_t lanes_n = std::min(p.tile_n, p.lookup_ports);

    const LutBlocking blk = lut_blocking(op, p);

    TilePlan plan;
    plan.double_buffered = blk.double_buffered;
    const uint64_t per_cycle = p.tile_m * p.tile_n * p.tile_k * p.engines;
    plan.peak_ops_per_cycle =
        lut ? std::max<uint64_t>(1, ceil_div(per_cycle, planes * ceil_div(p.tile_n, p.lookup_ports))) : per_cycle;

    // One tile of bm' × bn' outputs over a K chunk of kc' (chunk kb of kch). `first`: first tile
    // of its row block (loads A or the tables, builds tables on chip); `load_b`: the B chunk comes
    // from memory; `extra`: exposed precompute cycles.
    const uint64_t kch = ceil_div(K, blk.kc);
    auto make_tile = [&](uint64_t bm, uint64_t bn, uint64_t kc, uint64_t kb, bool first, bool load_b,
                         uint64_t extra) {
        Tile t;
        const bool k_first = kb == 0, k_last = kb + 1 == kch;
        const uint64_t mt = ceil_div(bm, p.tile_m);
        const uint64_t mw = ceil_div(mt, p.weight_reuse_m);  // weight fragment reads
        const uint64_t nt = ceil_div(bn, sn);
        const uint64_t kts = ceil_div(kc, p.tile_k);
        const uint64_t outs = bm * bn;
        t.compute_cycles = lut_block_cycles(bm, bn, kc, planes, p) + extra;
        t.macs = outs * kc;
        uint64_t rd_bits = 0, wr_bits = 0;
        auto rd = [&](const char* name, uint64_t bits) {
            t.actions.add(name, bits);
            rd_bits += bits;
        };
        auto wr = [&](const char* name, uint64_t bits) {
            t.actions.add(name, bits);
            wr_bits += bits;
        };
        if (load_b) {
            t.load_b_bytes = b.matrix_bytes(kc, bn);
            wr("sram_write_bits.weight", 8 * t.load_b_bytes);
        }
        const uint64_t out_bits = outs * static_cast<uint64_t>(op.out.bits);
        const uint64_t acc_bits = outs * p.acc_bits;
        if (!k_first) rd("sram_read_bits.out", acc_bits);   // restore partial sums
        if (!k_last) wr("sram_write_bits.out", acc_bits);   // spill partial sums
        if (k_last) {
            t.store_bytes = op.out.matrix_bytes(bn, bm);
            wr("sram_write_bits.out", out_bits);
            rd("sram_read_bits.out", out_bits);
        }
        if (first) {
            if (!lut || on_chip) {
                t.load_a_bytes = a_rows_bytes(a, bm, K);
                wr("sram_write_bits.act", bm * K * static_cast<uint64_t>(a.bits));
            }
        }
        if (lut) {
            const uint64_t gc = ceil_div(kc, p.group_k);
            if (first) {
                const uint64_t table_bits_blk = bm * G * entries * ebits;
                if (on_chip) {
                    t.actions.add("table_build", bm * G);
                    t.actions.add("table_build_add", bm * G * lut_build_adds(p.group_k, p.symmetric_table));
                    rd("sram_read_bits.act", bm * K * static_cast<uint64_t>(a.bits));
                } else {
                    t.load_a_bytes = bits_to_bytes(table_bits_blk);
                }
                wr("sram_write_bits.table", table_bits_blk);
            }
            t.actions.add("lookup", outs * gc * planes);
            t.actions.add("tree_add", outs * kts * (gpk - 1) * planes);
            t.actions.add("shift_acc", outs * kts * planes);
            if (bias && k_last) t.actions.add("bias_add", outs);
            const uint64_t resc = b.gran == Granularity::group && !b.group_along_n
                                      ? ceil_div(kc, b.group)
                                      : (k_last ? rescales : 0);
            t.actions.add("rescale", outs * resc);
            t.actions.add("lut_write", bm * gc * entries * ceil_div(bn, p.tile_n));
            rd("sram_read_bits.table", bm * gc * entries * ebits * nt);
            rd("sram_read_bits.weight", mw * kc * bn * planes);
            // Weight-plane registers of the engines: tile_k × tile_n bits per fragment load.
            t.actions.add("operand_reg_bits", mw * kts * ceil_div(bn, lanes_n) * p.tile_k * lanes_n * planes);
        } else {
            t.actions.add("mac", outs * kc);
            if (needs_dequant) t.actions.add("dequant", mw * kc * bn);
            rd("sram_read_bits.weight", mw * kc * bn * static_cast<uint64_t>(b.bits));
            rd("sram_read_bits.act", bm * kc * nt * static_cast<uint64_t>(a.bits));
            // Operand registers: A (tile_m × tile_k) and dequantized B (tile_k × tile_n) per step.
            const uint64_t cols = kts * ceil_div(bn, p.tile_n) * p.tile_k * static_cast<uint64_t>(p.mac_format.bits);
            t.actions.add("operand_reg_bits", (mt * p.tile_m + mw * p.tile_n) * cols);
        }
        t.sram_read_bytes = bits_to_bytes(rd_bits);
        t.sram_write_bytes = bits_to_bytes(wr_bits);
        return t;
    };

    const uint64_t row_blocks = ceil_div(M, blk.bm);
    const uint64_t col_blocks = ceil_div(N, blk.bn);
    const uint64_t bm_last = M - (row_blocks - 1) * blk.bm;
    const uint64_t bn_last = N - (col_blocks - 1) * blk.bn;
    const uint64_t kc_last = K - (kch - 1) * blk.kc;
    auto pre_cycles = [&](uint64_t bm) {
        return lut && on_chip ? ceil_div(bm * G * entries, p.precompute_entries_per_cycle) : 0;
    };
    auto row_lookup = [&](uint64_t bm) {
        const uint64_t per_col = (kch - 1) * lut_block_cycles(bm, blk.bn, blk.kc, planes, p) +
                                 lut_block_cycles(bm, blk.bn, kc_last, planes, p);
        const uint64_t last_col = (kch - 1) * lut_block_cycles(bm, bn_last, blk.kc, planes, p) +
                                  lut_block_cycles(bm, bn_last, kc_last, planes, p);
        return (col_blocks - 1) * per_col + last_col;
    };

    auto bm_of = [&](uint64_t rb) { return rb + 1 == row_blocks ? bm_last : blk.bm; };
    auto bn_of = [&](uint64_t cb) { return cb + 1 == col_blocks ? bn_last : blk.bn; };
    std::vector<Tile> tiles;
    uint64_t prev_lookup = 0;
    bool very_first = true;
    if (blk.b_outer) {
        // Weight-resident order: column superblock outer (its B loaded with the first row
        // block), then row blocks (A or tables re-loaded once per column superblock), then the
        // superblock's column blocks; K is not chunked and nothing is built on chip here.
        const uint64_t per_super = std::max<uint64_t>(1, blk.super_cols / blk.bn);
        const uint64_t col_supers = ceil_div(col_blocks, per_super);
        for (uint64_t inst = 0; inst < op.batch; ++inst)
            for (uint64_t cs = 0; cs < col_supers; ++cs) {
                const uint64_t cb0 = cs * per_super;
                const uint64_t cb1 = std::min(col_blocks, cb0 + per_super);
                for (uint64_t rb = 0; rb < row_blocks; ++rb)
                    for (uint64_t cb = cb0; cb < cb1; ++cb)
                        append_run(tiles,
                                   make_tile(bm_of(rb), bn_of(cb), K, 0, cb == cb0, rb == 0, 0), 1);
            }
        plan.tiles = std::move(tiles);
        return plan;
    }
    // Row order: row superblock outer (its tables / A resident), then column blocks, then K
    // chunks, then the superblock's row blocks, which share each B chunk (loaded by the first).
    const uint64_t per_super = std::max<uint64_t>(1, blk.super_rows / blk.bm);
    const uint64_t row_supers = ceil_div(row_blocks, per_super);
    for (uint64_t inst = 0; inst < op.batch; ++inst) {
        for (uint64_t sb = 0; sb < row_supers; ++sb) {
            const uint64_t rb0 = sb * per_super, rb1 = std::min(row_blocks, rb0 + per_super);
            const bool load_b = !blk.b_resident || sb == 0;
            uint64_t rows = 0, lookup = 0;
            for (uint64_t rb = rb0; rb < rb1; ++rb) {
                rows += bm_of(rb);
                lookup += row_lookup(bm_of(rb));
            }
            const uint64_t pre = pre_cycles(rows);
            const uint64_t extra = very_first || !blk.tables_double_buffered
                                       ? pre
                                       : (pre > prev_lookup ? pre - prev_lookup : 0);
            very_first = false;
            // The tiles of chunk kb of column block cb for every row block of the superblock,
            // `times` times over (the middle K chunks 1 .. kch−2 are identical).
            auto emit = [&](uint64_t cb, uint64_t kb, uint64_t times) {
                const uint64_t kc = kb + 1 == kch ? kc_last : blk.kc;
                const bool first = cb == 0 && kb == 0;
                if (rb1 - rb0 == 1) {
                    append_run(tiles, make_tile(bm_of(rb0), bn_of(cb), kc, kb, first, load_b,
                                                first ? extra : 0),
                               times);
                    return;
                }
                for (uint64_t k = 0; k < times; ++k)
                    for (uint64_t rb = rb0; rb < rb1; ++rb)
                        append_run(tiles, make_tile(bm_of(rb), bn_of(cb), kc, kb, first,
                                                    load_b && rb == rb0,
                                                    first && rb == rb0 ? extra : 0),
                                   1);
            };
            for (uint64_t cb = 0; cb < col_blocks; ++cb) {
                for (uint64_t kb = 0; kb < kch; ++kb) {
                    if (kb == 1 && kch > 3) {
                        emit(cb, kb, kch - 2);
                        kb = kch - 2;
                        continue;
                    }
                    emit(cb, kb, 1);
                }
            }
            prev_lookup = lookup;
        }
    }
    plan.tiles = std::move(tiles);
    return plan;
}

}  // namespace qasim::models

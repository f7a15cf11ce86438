#pragma once
// LUT tensor core (LUT Tensor Core, Mo et al. ISCA 2025, arXiv:2408.06003; T-MAC, Wei et al.
// EuroSys 2025, arXiv:2407.00088) and its MAC baseline (FP16×INT tensor core that dequantizes the
// weights, then multiplies): timing, actions and tile plans. Pure C++ (no SystemC).
//
// GEMM convention: A[M×K]·B[K×N] → C[M×N]; A = activations (int8, fp16, fp8), B = low-bit weights.
//
// ---------------------------------------------------------------------------------------------
// LUT datapath (TcDatapath::lut)
// ---------------------------------------------------------------------------------------------
// Table. Activations are taken in groups of g = group_k along K. For one row m and one group j the
// table holds the signed sums  T[s] = Σ_{i<g} s_i·a_{m, jg+i}  over sign vectors s ∈ {±1}^g (weight
// bit 1 → +1, 0 → −1: LUT Tensor Core's "weight reinterpretation" q' = 2q − (2^b − 1)). T is odd,
// T(−s) = −T(s), so with symmetric_table the table stores E = 2^(g−1) entries (s_0 = +1) and the
// lookup negates by the first weight bit (published_numbers.md §4: 8 entries at K = 4). Without
// symmetry the table stores the 2^g plain subset sums Σ_{i: w_i = 1} a_i, E = 2^g.
// Entry width (set by the datapath's `act_format`, which every op's A must fit: int8 and fp8 fit
// fp16): activations int-b → b + ⌈log2 g⌉ bits (exact sums); fp16/bf16 → 16; fp8 → 16
// (fp16 tables: a sum of fp8 values does not fit fp8; T-MAC/LUT TC keep fp16 tables for fp16
// activations); `table_bits` overrides (e.g. 8: T-MAC's int8-quantized tables).
//
// Weights. An integer weight of b bits (1..4) is read as P = b bit-planes; a ternary weight
// {−1, 0, +1} is stored as u = w + 1 ∈ {0, 1, 2} in P = 2 planes (T-MAC's ternary encoding), with
// the offset removed by one correction add per output (below). For each plane p the g weight bits
// of one group form the table index: one lookup returns Σ_i a_i·bit_p(w_i) (or its ± form).
// Σ_k a_k w_k = Σ_p 2^p·Σ_j T_j[idx_{p,j}] (+ correction): planes are combined by shift-and-add,
// bit-serial over the planes, so every count below that involves lookups is ∝ P.
//   correction: symmetric tables give ½(Σ_p 2^p L_p + (2^P − 1)·Σ_k a_k) and ternary gives
//   Σ a·u − Σ a; Σ_k a_k is the all-ones table entry, so either is one add per output ("bias_add").
//
// Engine (one LMMA unit). Per cycle an engine processes one tile_m × tile_n × tile_k block for one
// plane: it holds tile_m · (tile_k/g) tables in registers (LUT TC: elongated M2×N64×K4, one
// 8-entry table per row); every table is read by tile_n lookup muxes (lookup_ports per cycle, so
// a tile takes ⌈tile_n / lookup_ports⌉ cycles per plane): the same table serves all N columns
// (table reuse across N). Per output lane: tile_k/g lookups, an adder tree of tile_k/g − 1 adds,
// and one shift-accumulate into the (m, n) accumulator (int: shift is wiring; float: exponent add).
// `engines` engines work side by side on different columns of the same rows (tables broadcast),
// so the unit covers SN = tile_n·engines columns per step.
//
// Per GEMM instance, with G = ⌈K/g⌉, kt = ⌈K/tile_k⌉, mt(x) = ⌈x/tile_m⌉, nt(x) = ⌈x/SN⌉,
// pf = ⌈tile_n/lookup_ports⌉, and tiles of bm × bn outputs over a K chunk kc (see Blocking):
//   lookup cycles     = mt(bm) · nt(bn) · ⌈kc/tile_k⌉ · P · pf             (per tile)
//   lookups           = M · N · G · P
//   tree adds         = M · N · kt · (tile_k/g − 1) · P
//   shift-accumulates = M · N · kt · P
//   bias adds         = M · N                     (symmetric table or ternary weights; else 0)
//   rescales          = M · N · ⌈K/group⌉ (B scales per group along K), M · N (per channel /
//                       tensor), 0 (no scales): fp16 multiply + accumulate after the planes
//   tables built      = M · G                     (once per row and group: table reuse across N)
//   build adds        = M · G · ((g − 1) + (E − 1))  symmetric (first entry g−1 adds, each next
//                       entry one add, Gray-code order: T' = T ± 2a_i); non-symmetric:
//                       M · G · (2^g − 1 − g) (the empty and single sums are free)
//   table entries written to the table buffer = M · G · E          (built on chip or arriving)
//   table-register loads  = Σ_tiles bm · ⌈kc/g⌉ · E · ⌈bn/tile_n⌉   (per engine step, "lut_write")
//   table-buffer reads    = Σ_tiles bm · ⌈kc/g⌉ · E · nt(bn) · entry_bits  (one read, broadcast)
//   weight-buffer reads   = Σ_tiles mw(bm) · kc · bn · P bits, mw(x) = ⌈mt(x)/weight_reuse_m⌉
//                           (one plane read serves tile_m · weight_reuse_m rows)
// (bias adds and per-channel/tensor rescales happen with the last K chunk of a tile.)
// Precompute (`precompute`):
//   on_chip: a precompute stage reads A from the activation buffer and writes the tables into the
//     table buffer at `precompute_entries_per_cycle`; it builds the next row block's tables while
//     the engines work on the current one (the table buffer holds two blocks), so only the first
//     block's build is exposed (if even two tile_m-row blocks of tables do not fit, every build is
//     exposed: cycles = Σ_b pre(b) + lookup(b)): cycles = pre(0) + Σ_b lookup(b) + Σ_{b≥1} max(0, pre(b) − lookup(b−1))
//     with pre(b) = ⌈bm_b · G · E / precompute_entries_per_cycle⌉, lookup(b) = the lookup cycles
//     of row block b (all its column blocks). A is loaded from memory (A bytes).
//   fused: the preceding operator built the tables (T-MAC / LUT TC operator fusion): no build
//     cycles or adds here, but the tables (M · G · E · entry_bits bits) are loaded from memory
//     instead of A and written into the table buffer.
//
// ---------------------------------------------------------------------------------------------
// MAC datapath (TcDatapath::mac, the baseline): dequantize-then-multiply
// ---------------------------------------------------------------------------------------------
// Each engine does tile_m × tile_n × tile_k MACs per cycle in `mac_format` (fp16) with an adder
// tree and acc_bits accumulators; integer/ternary B elements are converted to mac_format and
// scaled (one "dequant" each) when they enter the engine, once per row sub-tile:
//   cycles per tile = mt(bm) · nt(bn) · ⌈kc/tile_k⌉     (independent of the weight bits)
//   macs = M·N·K;  dequants = Σ_tiles mw(bm) · kc · bn (0 when B is a plain float of the datapath)
//   weight-buffer reads = Σ_tiles mw(bm) · kc · bn · b.bits;  act-buffer reads = Σ_tiles bm·kc·nt(bn)·a.bits
//
// ---------------------------------------------------------------------------------------------
// Blocking and memory traffic (both datapaths)
// ---------------------------------------------------------------------------------------------
// The GEMM is cut into tiles of bm rows × bn columns × kc of K (row blocks outer, then column
// blocks, then K chunks). bn is the largest multiple of SN (≤ N rounded up) whose B block of the
// full K fits half the weight buffer; if even SN columns do not fit, bn = SN and K is cut into
// chunks kc (multiples of tile_k and of the B scale group) of which two fit the weight buffer.
// bm is the largest multiple of tile_m (≤ M rounded up) such that two row blocks of A (full K)
// fit the activation buffer (lut on_chip, mac), two row blocks of tables fit the table buffer
// (lut), and the output buffer holds two bm × bn output blocks plus, when K is chunked, the
// bm × bn accumulators (acc_bits): partial sums are spilled to / restored from the output buffer
// at chunk boundaries ("sram_{write,read}_bits.out"); engines accumulate within a chunk.
// Loop order and DRAM traffic. If the whole B (one instance) fits the weight buffer it is loaded
// once (first row block) and A (or its tables) once. Otherwise one of two orders, the one with
// fewer DRAM bytes (the BitMoD artifact's refetch rule, accelerator.py `_calc_num_mem_refetch`):
//   row order (default): row blocks are grouped into row superblocks of super_rows rows, the
//     largest multiple of bm such that two superblocks of tables (lut; on_chip and fused) or of A
//     rows (mac) fit their buffer (the next superblock is built / loaded while the current one
//     computes). Loops: superblock, column block, K chunk, row block of the superblock. Each B
//     chunk is loaded once per superblock (by its first row block) and reused by the others:
//     B traffic = B · ⌈M / super_rows⌉ (the old rule was B · ⌈M / bm⌉, bm being limited by
//     the output buffer too); A / tables once. On-chip builds are pipelined per superblock:
//     pre(b) and lookup(b) in the precompute formula above are per superblock (= per row block
//     when super_rows = bm), so only the first exposed build grows with the superblock.
//   weight-resident order (mac and lut fused only, K not chunked): column superblocks of
//     super_cols columns (two full-K B blocks of them fit the weight buffer) outer, then row
//     blocks, then the superblock's column blocks: B once, A / tables once per column superblock
//     (A · ⌈N / super_cols⌉). Taken when A·⌈N/super_cols⌉ + B < A + B·⌈M/super_rows⌉. Not for lut
//     on_chip: re-streaming A would rebuild every table per column superblock (more compute).
// A (or its tables) is loaded with the first tile of its row block (per column superblock in the
// weight-resident order). The last K chunk of a tile stores bm × bn outputs (out format).
// double_buffered = every 2× condition holds (or B is resident). Batch instances run one after
// another and each reloads its own B, so with batch > 1 a resident B that fails the 2× condition
// counts as double-buffered only if the chunk the last tile of instance i reads (kc_last ×
// bn_last; its other chunks are dead) and the first chunk of instance i + 1 (kc × min(bn, N),
// prefetched meanwhile) fit the weight buffer together: two copies when B is one chunk. A, tables
// and outputs are never resident across instances: only their 2× conditions apply.
// peak_ops_per_cycle = ⌈tile_m·tile_n·tile_k·engines / (P·pf)⌉ (lut), tile_m·tile_n·
// tile_k·engines (mac).
// Not modelled: pipeline fill of the adder tree (a few cycles per block), padding of N inside a
// tile beyond the used engines (idle lanes are clock-gated: actions count useful lanes only).
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::models {

/// Arithmetic of the tensor core: table lookup (LUT) or dequantize-then-multiply (MAC).
enum class TcDatapath : uint8_t { lut, mac };

/// Where the LUT tables are built: on this unit, or by the preceding operator (fused).
enum class Precompute : uint8_t { on_chip, fused };

const char* to_string(Precompute p);

/// Parameters of a LUT (or MAC baseline) tensor core.
struct LutCoreParams {
    TcDatapath datapath = TcDatapath::lut;
    uint64_t engines = 16;          ///< LMMA engines side by side (tables broadcast)
    uint64_t tile_m = 2;            ///< rows per engine step (LUT TC: M2)
    uint64_t tile_n = 64;           ///< columns per engine step (LUT TC: N64)
    uint64_t tile_k = 4;            ///< reduction per engine step (LUT TC: K4); multiple of group_k
    uint64_t group_k = 4;           ///< g: activations per table
    bool symmetric_table = true;    ///< 2^(g−1) entries, sign from the weight bit
    Precompute precompute = Precompute::on_chip;
    uint64_t precompute_entries_per_cycle = 16;  ///< table entries built per cycle (on_chip)
    uint64_t lookup_ports = 64;     ///< reads of one table per cycle (≤ tile_n)
    /// Consecutive tile_m-row sub-tiles an engine runs with the same weight fragment in its
    /// registers (accumulators × this); 1 = one LMMA per weight read (LUT Tensor Core).
    uint64_t weight_reuse_m = 1;
    uint32_t table_bits = 0;        ///< table entry width; 0 = from the activation format
    uint32_t acc_bits = 32;         ///< accumulator width
    /// Activation datapath the tables and adders are built for (lut): sets the entry width; an
    /// op's A operand must fit it (int8 and fp8 fit an fp16 datapath).
    Format act_format = parse_format("fp16");
    Format mac_format = parse_format("fp16");  ///< MAC datapath operand format (mac only)
    uint64_t act_sram_bytes = 512ull * 1024;     ///< holds A rows
    uint64_t table_sram_bytes = 1024ull * 1024;  ///< holds tables (lut)
    uint64_t weight_sram_bytes = 1024ull * 1024; ///< holds B blocks
    uint64_t out_sram_bytes = 256ull * 1024;     ///< holds output blocks
};

/// Bit-planes a LUT core reads for weight format `b`: int/uint 1..4 → bits, ternary → 2.
/// Throws std::invalid_argument for any other format.
uint32_t lut_weight_planes(const Format& b);
/// Entries of one table: 2^(g−1) with symmetry, 2^g without.
uint64_t lut_table_entries(uint64_t group_k, bool symmetric);
/// Width of one table entry for activations `a` (see the file header).
uint32_t lut_entry_bits(const Format& a, uint64_t group_k, uint32_t table_bits);
/// Adds to build one table (see the file header).
uint64_t lut_build_adds(uint64_t group_k, bool symmetric);
/// Empty if `op` runs on this core; otherwise why not (operand formats, op kind).
std::string lut_core_support(const Op& op, const LutCoreParams& p);

/// Block sizes chosen for one op (see "Blocking" in the file header).
struct LutBlocking {
    uint64_t bm = 0, bn = 0;
    uint64_t kc = 0;  ///< K chunk (= K unless a B block of the full K does not fit)
    bool b_resident = false;
    /// TilePlan::double_buffered: every 2× condition holds, or B is resident (with batch > 1:
    /// an instance's last B chunk plus the next instance's first fit the weight buffer).
    bool double_buffered = false;
    /// Two row blocks of tables fit the table buffer, so an on-chip build overlaps the lookups of
    /// the previous row block (otherwise every build is exposed).
    bool tables_double_buffered = false;
    /// Rows of one row superblock (a multiple of bm): its tables (lut) / A rows (mac) stay
    /// resident while every B chunk streams once (= bm when B is resident or in b_outer order).
    uint64_t super_rows = 0;
    /// Weight-resident order: column superblocks of super_cols columns (full K) outer, A rows or
    /// tables re-loaded once per column superblock (mac and lut fused only).
    bool b_outer = false;
    uint64_t super_cols = 0;
};
LutBlocking lut_blocking(const Op& op, const LutCoreParams& p);

/// Compute cycles of one tile of bm × bn outputs (lookup or MAC cycles, no precompute).
/// (k = the tile's K chunk).
uint64_t lut_block_cycles(uint64_t bm, uint64_t bn, uint64_t k, uint32_t planes, const LutCoreParams& p);

/// Tile plan of one repeat of a matmul op (closed forms in the file header). Actions:
/// lut: "lookup", "tree_add", "shift_acc", "bias_add", "rescale", "table_build", "table_build_add",
/// "lut_write", "operand_reg_bits"; mac: "mac", "dequant", "operand_reg_bits"; both:
/// "sram_read_bits.{act,table,weight,out}", "sram_write_bits.{act,table,weight,out}" (buffer
/// fills from memory included).
/// Throws std::invalid_argument for unsupported ops (lut_core_support) or zero dimensions.
TilePlan lut_core_plan(const Op& op, const LutCoreParams& p);

}  // namespace qasim::models

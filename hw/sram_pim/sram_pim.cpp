#include "hw/sram_pim/sram_pim.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "models/energy/tech.h"

namespace qasim::hw {

namespace {
// A bit-line compute step (a row activated with the sense amplifiers driving the lookup
// periphery) costs 1–2× a plain read per column (published_numbers.md §6: no per-op energy was
// found in any reachable primary source; proxy D). We take the midpoint, 1.5× (derivation).
constexpr double kBitlineComputeFactor = 1.5;

std::string mib_text(uint64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%.1f MiB)", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return std::to_string(bytes) + " B" + buf;
}
}  // namespace

const sim::FieldTable<SramPimConfig>& SramPimConfig::fields() {
    using C = SramPimConfig;
    static const auto t =
        sim::FieldTable<C>()
            .u64("capacity_mb", &C::capacity_mb, "MiB", "capacity; must equal banks*subarrays_per_bank*rows*cols/8",
                 1, 1ull << 24)
            .u64("banks", &C::banks, "banks", "banks", 1, 1ull << 20)
            .u64("subarrays_per_bank", &C::subarrays_per_bank, "subarrays", "subarrays per bank", 1, 1ull << 20)
            .u64("subarray_rows", &C::subarray_rows, "rows", "rows (word lines) per subarray, power of two", 16,
                 1 << 16)
            .u64("subarray_cols", &C::subarray_cols, "bits", "columns (bit lines) per subarray, power of two", 16,
                 1 << 16)
            .u64("active_subarrays_per_bank", &C::active_subarrays_per_bank, "subarrays",
                 "subarrays of a bank with compute periphery active at once (lanes per bank)", 1, 1 << 20)
            .u64("group_k", &C::group_k, "elements", "activations per lookup table (g)", 1, 8)
            .boolean("symmetric_table", &C::symmetric_table, "store 2^(g-1) entries, sign from the weight bit")
            .u64("act_bits", &C::act_bits, "bits", "width activations are quantized to in memory", 2, 16)
            .u64("acc_bits", &C::acc_bits, "bits", "accumulator width", 8, 64)
            .u64("periphery_adders", &C::periphery_adders, "adders", "adders per computing subarray", 1, 1 << 16)
            .u64("step_cycles", &C::step_cycles, "cycles", "cycles of one row activation + lookup step", 1, 1024)
            .u64("convert_elems_per_cycle", &C::convert_elems_per_cycle, "elem/cyc",
                 "in-memory quantize/dequantize throughput", 1, 1 << 20)
            .u64("max_batch", &C::max_batch, "rows", "largest M (batch rows) the unit accepts", 1, 1024)
            .choice("overflow", &C::overflow,
                    "weights beyond capacity: reject the trace, or stream the excess from the weights placement",
                    {{"reject", PimOverflow::reject}, {"stream", PimOverflow::stream}})
            .u64("port_bytes_per_cycle", &C::port_bytes_per_cycle, "B/cycle", "memory-role port width", 1, 1 << 20)
            .u64("access_cycles", &C::access_cycles, "cycles", "memory-role access latency", 0, 1 << 20);
    return t;
}

void SramPimConfig::validate(const std::string& path, sim::Errors& errs) const {
    // 128-bit product: the geometry may be large.
    const unsigned __int128 bits = static_cast<unsigned __int128>(banks) * subarrays_per_bank * subarray_rows *
                                   subarray_cols;
    const unsigned __int128 want = static_cast<unsigned __int128>(capacity_mb) * 1024 * 1024 * 8;
    if (bits != want) {
        const unsigned __int128 mib = bits / 8 / 1024 / 1024;
        errs.add(path + ".capacity_mb",
                 "must equal banks*subarrays_per_bank*subarray_rows*subarray_cols/8 = " + std::to_string(banks) +
                     "*" + std::to_string(subarrays_per_bank) + "*" + std::to_string(subarray_rows) + "*" +
                     std::to_string(subarray_cols) + "/8 B = " +
                     (mib >> 64 ? std::string("(too large)") : std::to_string(static_cast<uint64_t>(mib))) +
                     " MiB, got " + std::to_string(capacity_mb));
    }
    const std::string e = models::pim_params_error(params());
    if (!e.empty()) errs.add(path, e);
}

models::PimParams SramPimConfig::params() const {
    models::PimParams p;
    p.banks = banks;
    p.subarrays_per_bank = subarrays_per_bank;
    p.subarray_rows = subarray_rows;
    p.subarray_cols = subarray_cols;
    p.active_subarrays_per_bank = active_subarrays_per_bank;
    p.group_k = group_k;
    p.symmetric_table = symmetric_table;
    p.act_bits = act_bits;
    p.acc_bits = acc_bits;
    p.periphery_adders = periphery_adders;
    p.step_cycles = step_cycles;
    p.convert_elems_per_cycle = convert_elems_per_cycle;
    p.max_batch = max_batch;
    return p;
}

SramPim::SramPim(sc_core::sc_module_name name, const SramPimConfig& cfg, const sim::BuildContext& ctx)
    : sc_core::sc_module(name), m_cfg(cfg), m_params(cfg.params()), m_clock_mhz(ctx.clock_mhz),
      m_stats(this->name()) {
    cmd_in.register_b_transport(this, &SramPim::cmd_transport);
    mem_in.register_b_transport(this, &SramPim::mem_transport);
    m_stats.add("busy_cycles", &m_counters.busy_cycles, "cycles",
                "cycles spent computing GEMVs in memory");
    m_stats.add("tiles", &m_counters.tiles, "tiles", "GEMV tiles executed");
    m_stats.add("macs", &m_counters.macs, "MAC", "useful MACs computed in memory");
    m_stats.add("read_bytes", &m_read_bytes, "B", "bytes read through the memory port");
    m_stats.add("write_bytes", &m_write_bytes, "B", "bytes written through the memory port");
    m_stats.add_formula("resident_weight_bytes", [this] { return static_cast<double>(resident_bytes()); }, "B",
                        "weight bytes resident (ops planned on the unit)");
}

uint64_t SramPim::resident_bytes() const {
    uint64_t s = 0;
    for (const auto& [k, v] : m_resident) s += v;
    return s;
}

std::string SramPim::check(const models::Op& op) const { return models::pim_support(op, m_params); }

models::TilePlan SramPim::plan(const models::Op& op) const {
    // Capacity: weights of every op planned here stay resident (all repeats = all layers).
    const uint64_t need = models::pim_resident_bytes(op);
    uint64_t others = 0;
    const auto key = std::make_pair(&op, op.name);
    for (const auto& [k, v] : m_resident)
        if (k != key) others += v;
    const uint64_t cap = capacity_bytes();
    const uint64_t fits = cap > others ? cap - others : 0;
    uint64_t streamed_per_repeat = 0;
    if (need > fits) {
        if (m_cfg.overflow == PimOverflow::reject)
            throw std::invalid_argument(
                "weights resident in SRAM-PIM '" + std::string(name()) + "' would need " + mib_text(others + need) +
                " with this op (" + mib_text(need) + " for all its repeats), more than its capacity " + mib_text(cap) +
                "; raise capacity_mb (and the geometry), map fewer ops to it, or set overflow: stream");
        // Stream: the share that does not fit is read from the weights placement every repeat.
        const uint64_t excess = need - fits;
        streamed_per_repeat = (excess + op.repeat - 1) / std::max<uint64_t>(op.repeat, 1);
        m_resident[key] = fits;
    } else {
        m_resident[key] = need;
    }
    return models::pim_plan(op, m_params, streamed_per_repeat);
}

void SramPim::cmd_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    execute_tile_command(gp, delay, m_clock_mhz, m_counters, m_actions);
}

void SramPim::mem_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    const bool write = gp.get_command() == tlm::TLM_WRITE_COMMAND;
    const uint64_t bytes = gp.get_data_length();
    const uint64_t addr = gp.get_address();
    if (addr + bytes > capacity_bytes() || addr + bytes < addr) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    // One port: a transfer starts when the port is free, streams at port_bytes_per_cycle and
    // completes access_cycles after it starts streaming.
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    const uint64_t start = std::max(now + to_ps(delay), m_port_free_ps);
    const uint64_t xfer_cycles = (bytes + m_cfg.port_bytes_per_cycle - 1) / m_cfg.port_bytes_per_cycle;
    m_port_free_ps = start + cycles_to_ps(xfer_cycles, m_clock_mhz);
    const uint64_t done = m_port_free_ps + cycles_to_ps(m_cfg.access_cycles, m_clock_mhz);
    delay = from_ps(done - now);
    (write ? m_write_bytes : m_read_bytes) += bytes;
    m_actions.add(write ? "mem_write_bits" : "mem_read_bits", bytes * 8);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void SramPim::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    const models::PimParams& p = m_params;
    const uint32_t C = static_cast<uint32_t>(p.subarray_cols);
    const uint64_t sub_bytes = p.subarray_bytes();
    const uint64_t bank_bytes = sub_bytes * p.subarrays_per_bank;
    const uint32_t E_n = static_cast<uint32_t>(p.table_entries());
    const uint32_t eb = static_cast<uint32_t>(p.entry_bits());
    const int acc = static_cast<int>(p.acc_bits);
    const models::Format fp16 = models::parse_format("fp16");
    // In-subarray actions use the subarray-sized macro (local bit lines, no bank routing); port
    // accesses use the bank-sized macro (they cross the bank's H-tree) — CACTI-like anchors of the
    // tech table (published_numbers.md §2b), interpolated by models/energy.
    const double rd_sub = E::sram_read_pj_per_bit(tech, sub_bytes, C);
    const double wr_sub = E::sram_write_pj_per_bit(tech, sub_bytes, C);
    out.pj_per_action["row_activation"] = kBitlineComputeFactor * rd_sub * C;
    out.pj_per_action["lut_write_row"] = wr_sub * C;
    out.pj_per_action["weight_write_row"] = wr_sub * C;
    // Lookup: an eb-wide mux over the E latched entries (LUT-core law, models/energy lut_read_pj).
    out.pj_per_action["lookup"] = E::lut_read_pj(tech, E_n, eb) + (p.symmetric_table ? eb * tech.bitwise_pj_per_bit : 0);
    out.pj_per_action["table_build_add"] = E::add_pj(tech, static_cast<int>(eb), false);
    out.pj_per_action["periphery_add"] = E::add_pj(tech, acc, false);
    // Rescale of an integer partial sum by its fp16 group scale: fp16 multiply + fp32 accumulate.
    out.pj_per_action["rescale"] = E::mult_pj(tech, fp16, fp16) + E::add_pj(tech, 32, true);
    // Type conversion of one element: a multiply by the (inverse) scale and a rounding/clamp add
    // (derivation: quantize = x·(1/s) rounded; dequantize = q·s).
    out.pj_per_action["convert"] = E::mult_pj(tech, fp16, fp16) + E::add_pj(tech, 16, false);
    out.pj_per_action["drain_bit"] = E::regfile_pj_per_bit(tech);  // periphery latch → bus, per bit
    out.pj_per_action["mem_read_bits"] = E::sram_read_pj_per_bit(tech, bank_bytes, C);
    out.pj_per_action["mem_write_bits"] = E::sram_write_pj_per_bit(tech, bank_bytes, C);

    // Area: the SRAM banks (bank-sized macros) plus the compute periphery of every lane: a table
    // latch of E·max_batch entries, one eb·max_batch-wide E:1 mux per g-bit field (nb per row),
    // periphery adders, and the converters. SAIL: the PIM adder is ≈ 2 % of the cache it augments.
    const double lanes = static_cast<double>(p.lanes());
    const double latch = static_cast<double>(E_n * p.max_batch * eb) * A::regfile_um2_per_bit(tech);
    const double mux = static_cast<double>(p.columns_per_row()) * (E_n - 1.0) * eb * static_cast<double>(p.max_batch) *
                       tech.bitwise_um2_per_bit;
    const double adders = static_cast<double>(p.periphery_adders) * A::add_um2(tech, acc, false);
    out.area_mm2["sram_array"] = static_cast<double>(p.banks) * A::sram_mm2(tech, bank_bytes, C);
    out.area_mm2["pim_tables"] = lanes * latch * 1e-6;
    out.area_mm2["pim_lookup_mux"] = lanes * mux * 1e-6;
    out.area_mm2["pim_adders"] = lanes * adders * 1e-6;
    out.area_mm2["pim_converters"] = static_cast<double>(p.convert_elems_per_cycle) *
                                     (A::mult_um2(tech, fp16, fp16) + A::add_um2(tech, 16, false)) * 1e-6;
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<SramPim, SramPimConfig>(
    sim::Role::memory, "sram_pim",
    "SRAM-PIM: weights stored in SRAM subarrays compute batched LUT-GEMVs in place (SAIL); also a compute unit");

}  // namespace qasim::hw

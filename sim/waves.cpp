#include "sim/waves.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <boost/program_options.hpp>

namespace qasim::sim {
namespace {

enum : int { kA = 1, kB = 2, kOut = 4 };

/// An operand buffer of a unit type: the config key of its capacity (KiB), the signal name, which
/// operands it holds, and (optionally) the value a config key must have for this role.
struct BufferDef {
    const char* type;
    const char* key;
    const char* name;
    int roles;
    const char* when_key;
    const char* when_value;
};

// Which buffer holds which operand, from each unit's config and model:
//  systolic_array  (hw/systolic, models/systolic): ifmap = A, filter = B, ofmap = outputs;
//  bitserial_array (hw/bitserial): act = A, weight = B, out = outputs;
//  mac_tensor_core, lut_tensor_core (hw/lut_core, models/lut_core/lut_model.cpp): act = A, weight =
//    B, out = outputs; with `precompute: fused` operand A is the tables built by the preceding op,
//    loaded into the table buffer (with on_chip the tables are built from the act buffer on chip);
//  vector_unit (models/vector): one local buffer for inputs and outputs.
// sram_pim holds its weights in the array itself (no operand buffer is traced).
const BufferDef kUnitBuffers[] = {
    {"systolic_array", "ifmap_sram_kb", "ifmap_sram", kA, nullptr, nullptr},
    {"systolic_array", "filter_sram_kb", "filter_sram", kB, nullptr, nullptr},
    {"systolic_array", "ofmap_sram_kb", "ofmap_sram", kOut, nullptr, nullptr},
    {"bitserial_array", "act_sram_kb", "act_sram", kA, nullptr, nullptr},
    {"bitserial_array", "weight_sram_kb", "weight_sram", kB, nullptr, nullptr},
    {"bitserial_array", "out_sram_kb", "out_sram", kOut, nullptr, nullptr},
    {"mac_tensor_core", "act_sram_kb", "act_sram", kA, nullptr, nullptr},
    {"mac_tensor_core", "weight_sram_kb", "weight_sram", kB, nullptr, nullptr},
    {"mac_tensor_core", "out_sram_kb", "out_sram", kOut, nullptr, nullptr},
    {"lut_tensor_core", "act_sram_kb", "act_sram", kA, "precompute", "on_chip"},
    {"lut_tensor_core", "table_sram_kb", "table_sram", kA, "precompute", "fused"},
    {"lut_tensor_core", "weight_sram_kb", "weight_sram", kB, nullptr, nullptr},
    {"lut_tensor_core", "out_sram_kb", "out_sram", kOut, nullptr, nullptr},
    {"vector_unit", "buffer_kb", "buffer", kA | kB | kOut, nullptr, nullptr},
};

const std::string* resolved_value(const InstanceConfig& ic, const std::string& key) {
    if (!ic.cfg) return nullptr;
    for (const auto& [k, v] : ic.cfg->resolved)
        if (k == key) return &v;
    return nullptr;
}

}  // namespace

WaveTracer::WaveTracer(TraceManager& tm, const std::vector<const models::Op*>& ops,
                       const std::vector<hw::ComputeUnit*>& units,
                       const std::vector<hw::MemoryTarget*>& mems, const HwConfig* hw)
    : m_tm(tm), m_tiles(ops, units), m_mems(mems) {
    m_layer = tm.add_signal("layer", TraceKind::integer, 32, TraceFormat::decimal, true);
    m_bufs.resize(units.size());
    for (size_t i = 0; i < units.size(); ++i) {
        const std::string n = units[i]->unit_name();
        UnitSig s;
        s.busy = tm.add_signal(n + ".busy", TraceKind::bit, 1, TraceFormat::binary);
        s.pes = tm.add_signal(n + ".active_pes", TraceKind::integer, 32, TraceFormat::analog);
        s.op = tm.add_signal(n + ".op", TraceKind::integer, 32, TraceFormat::decimal, true);
        s.tile = tm.add_signal(n + ".tile", TraceKind::integer, 64, TraceFormat::decimal, true);
        m_units.push_back(s);
        // Operand buffers, grouped with their unit.
        const InstanceConfig* ic = hw ? hw->find_unit(n) : nullptr;
        if (!ic) continue;
        UnitBufs& ub = m_bufs[i];
        for (const BufferDef& d : kUnitBuffers) {
            if (ic->type != d.type) continue;
            const std::string* kb = resolved_value(*ic, d.key);
            if (!kb) continue;
            if (d.when_key) {
                const std::string* w = resolved_value(*ic, d.when_key);
                if (!w || *w != d.when_value) continue;
            }
            Buffer b;
            b.capacity = std::strtoull(kb->c_str(), nullptr, 10) * 1024;
            b.occ = tm.add_signal(n + "." + d.name + ".occupancy_bytes", TraceKind::integer, 64,
                                  TraceFormat::analog);
            const int idx = static_cast<int>(ub.bufs.size());
            ub.bufs.push_back(b);
            if (d.roles & kA) ub.a = idx;
            if (d.roles & kB) ub.b = idx;
            if (d.roles & kOut) ub.out = idx;
            m_any_buf = true;
        }
    }
    const char* ch[2] = {"dma.rd_", "dma.wr_"};
    for (int c = 0; c < 2; ++c) {
        m_dma[c].inflight = tm.add_signal(std::string(ch[c]) + "inflight", TraceKind::integer, 16,
                                          TraceFormat::analog);
        m_dma[c].bytes = tm.add_signal(std::string(ch[c]) + "bytes", TraceKind::integer, 64,
                                       TraceFormat::analog);
        m_dma[c].bw =
            tm.add_signal(std::string(ch[c]) + "bw_gbps", TraceKind::real, 64, TraceFormat::analog);
    }
    for (auto* m : mems) {
        const std::string n = m->memory_name();
        MemSig s;
        s.rd = tm.add_signal(n + ".read_bytes", TraceKind::integer, 64, TraceFormat::analog);
        s.wr = tm.add_signal(n + ".write_bytes", TraceKind::integer, 64, TraceFormat::analog);
        s.bw = tm.add_signal(n + ".bw_gbps", TraceKind::real, 64, TraceFormat::analog);
        s.last_rd = m->read_bytes();
        s.last_wr = m->write_bytes();
        const InstanceConfig* ic = hw ? hw->find_memory(n) : nullptr;
        if (ic && ic->type == "sram") {
            s.occupancy = true;
            s.occ = tm.add_signal(n + ".occupancy_bytes", TraceKind::integer, 64,
                                  TraceFormat::analog);
        }
        m_mem.push_back(s);
    }
}

void WaveTracer::on_layer_begin(size_t) {
    m_reads.clear();
    m_stores.clear();
    m_op_unit = static_cast<size_t>(-1);
}

void WaveTracer::release(size_t unit) {
    if (unit >= m_bufs.size()) return;
    UnitBufs& ub = m_bufs[unit];
    for (auto [buf, res] : {std::make_pair(ub.a, &ub.res_a), std::make_pair(ub.b, &ub.res_b)}) {
        if (buf >= 0 && res->bytes)
            m_tm.add(ub.bufs[buf].occ, res->last_use_end, -static_cast<double>(res->bytes));
        *res = Content{};
    }
    ub.group_open = false;
}

void WaveTracer::on_layer_end(size_t op_index, const hw::LayerResult& r) {
    m_tm.set(m_layer, r.start_ps, static_cast<double>(op_index));
    // The op's operands leave their buffers when its last tile using them ends.
    release(m_op_unit);
    // `type: sram` memories: the previous op's output has been consumed by this op.
    for (MemSig& m : m_mem) {
        if (!m.occupancy) continue;
        if (m.produced_prev) m_tm.add(m.occ, r.end_ps, -static_cast<double>(m.produced_prev));
        m.produced_prev = m.produced;
        m.produced = 0;
    }
}

void WaveTracer::occupy(size_t unit, int buf, Content& res, const Read* load, uint64_t slot,
                        uint64_t use_end) {
    if (buf < 0) return;
    const H h = m_bufs[unit].bufs[buf].occ;
    if (load) {
        // New data replaces the resident data, which leaves at the end of its last user.
        if (res.bytes) m_tm.add(h, res.last_use_end, -static_cast<double>(res.bytes));
        res.bytes = std::min(load->bytes, slot);
        if (res.bytes) m_tm.add(h, load->start, static_cast<double>(res.bytes));
    }
    if (res.bytes) res.last_use_end = use_end;
}

void WaveTracer::on_compute(size_t op_index, size_t unit, uint64_t tile_index, uint64_t s,
                            uint64_t e) {
    const UnitSig& u = m_units.at(unit);
    // Active PEs (lanes, subarrays): useful MACs (element ops) per cycle of the tile, rounded.
    const models::Tile* t = m_tiles.find(op_index, unit, tile_index);
    const double pes =
        t && t->compute_cycles
            ? std::round(static_cast<double>(t->macs) / static_cast<double>(t->compute_cycles))
            : 0.0;
    m_tm.add(u.busy, s, 1);
    m_tm.add(u.busy, e, -1);
    m_tm.add(u.pes, s, pes);
    m_tm.add(u.pes, e, -pes);
    m_tm.set(u.op, s, static_cast<double>(op_index));
    m_tm.set(u.tile, s, static_cast<double>(tile_index));
    if (m_any_buf) buffers_on_compute(unit, t, s, e);
    m_reads.clear();
    m_op_unit = unit;
}

void WaveTracer::buffers_on_compute(size_t unit, const models::Tile* t, uint64_t s, uint64_t e) {
    // The reads since the previous compute are this tile's loads: B first, then A (the sequencer's
    // event order); a store announced here is the next write transfer.
    if (!t || unit >= m_bufs.size()) return;
    UnitBufs& ub = m_bufs[unit];
    const Read* rb = nullptr;
    const Read* ra = nullptr;
    size_t k = 0;
    if (t->load_b_bytes && k < m_reads.size()) rb = &m_reads[k++];
    if (t->load_a_bytes && k < m_reads.size()) ra = &m_reads[k++];
    const bool dbl = m_tiles.double_buffered();
    auto slot = [&](int buf) {
        const uint64_t c = ub.bufs[buf].capacity;
        return dbl ? c / 2 : c;
    };
    if (ub.a >= 0) occupy(unit, ub.a, ub.res_a, ra, slot(ub.a), e);
    if (ub.b >= 0) occupy(unit, ub.b, ub.res_b, rb, slot(ub.b), e);
    if (!ub.group_open) {
        ub.group_open = true;
        ub.group_start = s;
    }
    if (t->store_bytes) {
        PendingStore ps{ub.out, unit, 0};
        if (ub.out >= 0) {
            ps.bytes = std::min(t->store_bytes, slot(ub.out));
            m_tm.add(ub.bufs[ub.out].occ, ub.group_start, static_cast<double>(ps.bytes));
        }
        m_stores.push_back(ps);
        ub.group_open = false;
    }
}

void WaveTracer::on_dma(size_t, int channel, uint64_t bytes, uint64_t s, uint64_t e) {
    const DmaSig& d = m_dma[channel ? 1 : 0];
    if (m_any_buf) {
        if (!channel) {
            m_reads.push_back(Read{bytes, s, e});
        } else if (!m_stores.empty()) {
            const PendingStore ps = m_stores.front();
            m_stores.erase(m_stores.begin());
            if (ps.buf >= 0 && ps.bytes)
                m_tm.add(m_bufs[ps.unit].bufs[ps.buf].occ, e, -static_cast<double>(ps.bytes));
        }
    }
    const double dur = static_cast<double>(e - s);
    m_tm.add(d.inflight, s, 1);
    m_tm.add(d.inflight, e, -1);
    m_tm.add(d.bytes, e, static_cast<double>(bytes));
    // Bandwidth: the transfer's bytes spread evenly over its duration (1 B/ps = 1000 GB/s).
    if (e > s) {
        m_tm.add(d.bw, s, static_cast<double>(bytes) * 1e3 / dur);
        m_tm.add(d.bw, e, -static_cast<double>(bytes) * 1e3 / dur);
    }
    // Memories: what each one moved during this transfer (its counters since the last transfer).
    for (size_t i = 0; i < m_mems.size(); ++i) {
        MemSig& m = m_mem[i];
        const uint64_t rd = m_mems[i]->read_bytes(), wr = m_mems[i]->write_bytes();
        const double drd = static_cast<double>(rd - m.last_rd),
                     dwr = static_cast<double>(wr - m.last_wr);
        m.last_rd = rd;
        m.last_wr = wr;
        if (drd > 0) m_tm.add(m.rd, e, drd);
        if (dwr > 0) m_tm.add(m.wr, e, dwr);
        if (m.occupancy && dwr > 0) {
            m_tm.add(m.occ, e, dwr);
            m.produced += static_cast<uint64_t>(dwr);
        }
        if (e > s && drd + dwr > 0) {
            m_tm.add(m.bw, s, (drd + dwr) * 1e3 / dur);
            m_tm.add(m.bw, e, -(drd + dwr) * 1e3 / dur);
        }
    }
}

std::string gtkw_path_for(const std::string& vcd_path) {
    const size_t slash = vcd_path.find_last_of('/');
    const size_t dot = vcd_path.find_last_of('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
        return vcd_path.substr(0, dot) + ".gtkw";
    return vcd_path + ".gtkw";
}

void add_vcd_options(boost::program_options::options_description& desc,
                     const std::string& vcd_help, const std::string& example) {
    namespace po = boost::program_options;
    desc.add_options()("vcd", po::value<std::string>(), vcd_help.c_str())(
        "vcd-signals", po::value<std::string>(),
        ("only signals matching these globs, e.g. '" + example + "'").c_str())(
        "vcd-window", po::value<std::string>(), "only this span of simulated time: START_NS:END_NS");
}

std::string vcd_option(const boost::program_options::variables_map& vm, TraceOptions& opts) {
    const std::string vcd = vm.count("vcd") ? vm["vcd"].as<std::string>() : std::string();
    if (vm.count("vcd") && vcd.empty()) throw ConfigError("--vcd: a file path is required");
    if (vcd.empty() && (vm.count("vcd-signals") || vm.count("vcd-window")))
        throw ConfigError("--vcd-signals/--vcd-window need --vcd FILE");
    if (vm.count("vcd-signals")) opts.globs = parse_signal_globs(vm["vcd-signals"].as<std::string>());
    if (vm.count("vcd-window")) parse_window(vm["vcd-window"].as<std::string>(), opts);
    return vcd;
}

std::string write_vcd_and_gtkw(TraceManager& tm, const std::string& vcd) {
    tm.write_vcd(vcd);
    const std::string gtkw = gtkw_path_for(vcd);
    tm.write_gtkw(gtkw, std::filesystem::absolute(vcd).lexically_normal().string());
    return gtkw;
}

}  // namespace qasim::sim

#include "sim/waves.h"

#include <cmath>

namespace qasim::sim {

WaveTracer::WaveTracer(TraceManager& tm, const std::vector<const models::Op*>& ops,
                       const std::vector<hw::ComputeUnit*>& units,
                       const std::vector<hw::MemoryTarget*>& mems)
    : m_tm(tm), m_tiles(ops, units), m_mems(mems) {
    m_layer = tm.add_signal("layer", TraceKind::integer, 32, TraceFormat::decimal, true);
    for (auto* u : units) {
        const std::string n = u->unit_name();
        UnitSig s;
        s.busy = tm.add_signal(n + ".busy", TraceKind::bit, 1, TraceFormat::binary);
        s.pes = tm.add_signal(n + ".active_pes", TraceKind::integer, 32, TraceFormat::analog);
        s.op = tm.add_signal(n + ".op", TraceKind::integer, 32, TraceFormat::decimal, true);
        s.tile = tm.add_signal(n + ".tile", TraceKind::integer, 64, TraceFormat::decimal, true);
        m_units.push_back(s);
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
        m_mem.push_back(s);
    }
}

void WaveTracer::on_layer_end(size_t op_index, const hw::LayerResult& r) {
    m_tm.set(m_layer, r.start_ps, static_cast<double>(op_index));
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
}

void WaveTracer::on_dma(size_t, int channel, uint64_t bytes, uint64_t s, uint64_t e) {
    const DmaSig& d = m_dma[channel ? 1 : 0];
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

}  // namespace qasim::sim

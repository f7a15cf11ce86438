#include "sim/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/json.h"
#include "sim/stream_out.h"

namespace qasim::sim {
namespace {

// ps -> µs with all 6 decimals (exact: no rounding of the simulated times).
std::string us(uint64_t ps) {
    char b[40];
    std::snprintf(b, sizeof(b), "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                  static_cast<unsigned long long>(ps % 1000000));
    return b;
}

std::string op_args(const models::Op& op) {
    std::string shape =
        models::is_matmul(op.kind)
            ? std::to_string(op.m) + "x" + std::to_string(op.k) + "x" + std::to_string(op.n)
            : std::to_string(op.elems);
    std::string a =
        "\"name\":" + json_escape(op.name) + ",\"kind\":" + json_escape(models::to_string(op.kind));
    a += ",\"shape\":" + json_escape(shape) + ",\"batch\":" + std::to_string(op.batch);
    a += ",\"repeat\":" + std::to_string(op.repeat);
    a += ",\"bits\":" + json_escape("a=" + op.a.spec + " b=" + op.b.spec + " out=" + op.out.spec);
    return a;
}

}  // namespace

TimelineTracer::TimelineTracer(const std::string& hw_name, double clock_mhz,
                               const std::vector<const models::Op*>& ops,
                               const std::vector<hw::ComputeUnit*>& units,
                               const std::vector<hw::MemoryTarget*>& mems)
    : m_hw_name(hw_name), m_clock_mhz(clock_mhz), m_ops(ops), m_mems(mems), m_tiles(ops, units) {
    for (auto* u : units) m_unit_names.push_back(u->unit_name());
    m_span.resize(units.size());
    m_dma_bw[0].name = "dma.rd GB/s";
    m_dma_bw[1].name = "dma.wr GB/s";
    for (auto* m : mems) {
        m_mem_bw.push_back(Series{m->memory_name() + " GB/s", {}});
        m_mem_last.emplace_back(m->read_bytes(), m->write_bytes());
    }
}

void TimelineTracer::slice(int tid, const std::string& name, const std::string& cat, uint64_t s,
                           uint64_t e, const std::string& args, std::string* out) {
    std::string& ev = out ? *out : m_events;
    if (!ev.empty()) ev += ",\n";
    ev += "{\"ph\":\"X\",\"pid\":1,\"tid\":" + std::to_string(tid) +
          ",\"name\":" + json_escape(name) + ",\"cat\":\"" + cat + "\",\"ts\":" + us(s) +
          ",\"dur\":" + us(e - s) + ",\"args\":{" + args + "}}";
}

void TimelineTracer::close_op(size_t unit) {
    OpSpan& sp = m_span[unit];
    if (!sp.open) return;
    sp.open = false;
    const models::Op& op = *m_ops[sp.op];
    slice(kTimelineUnitTid0 + static_cast<int>(unit), op.name, "op", sp.start, sp.end,
          op_args(op) + ",\"op\":" + std::to_string(sp.op) +
              ",\"tiles\":" + std::to_string(sp.tiles));
    // Tiles after their op: viewers that nest equal-start slices in file order get op ⊃ tiles.
    if (!sp.tile_events.empty()) {
        m_events += ",\n";
        m_events += sp.tile_events;
    }
    sp.tile_events.clear();
}

void TimelineTracer::on_layer_end(size_t j, const hw::LayerResult& r) {
    for (size_t u = 0; u < m_span.size(); ++u)
        if (m_span[u].open && m_span[u].op == j) close_op(u);
    slice(kTimelineLayerTid, m_ops[j]->name, "layer", r.start_ps, r.end_ps,
          op_args(*m_ops[j]) + ",\"op\":" + std::to_string(j) + ",\"compute_cycles\":" +
              std::to_string(r.compute_cycles) + ",\"tiles\":" + std::to_string(r.tiles) +
              ",\"dram_read_bytes\":" + std::to_string(r.dram_read_bytes) +
              ",\"dram_write_bytes\":" + std::to_string(r.dram_write_bytes));
}

void TimelineTracer::on_compute(size_t j, size_t unit, uint64_t tile_index, uint64_t s,
                                uint64_t e) {
    OpSpan& sp = m_span.at(unit);
    if (sp.open && sp.op != j) close_op(unit);
    if (!sp.open) {
        sp.open = true;
        sp.op = j;
        sp.start = s;
        sp.tiles = 0;
    }
    sp.end = e;
    ++sp.tiles;
    const models::Tile* t = m_tiles.find(j, unit, tile_index);
    std::string args = "\"op\":" + std::to_string(j) +
                       ",\"op_name\":" + json_escape(m_ops[j]->name) +
                       ",\"tile\":" + std::to_string(tile_index);
    if (t)
        args += ",\"cycles\":" + std::to_string(t->compute_cycles) +
                ",\"macs\":" + std::to_string(t->macs) +
                ",\"load_bytes\":" + std::to_string(t->load_a_bytes + t->load_b_bytes) +
                ",\"store_bytes\":" + std::to_string(t->store_bytes);
    slice(kTimelineUnitTid0 + static_cast<int>(unit), "tile " + std::to_string(tile_index), "tile",
          s, e, args, &sp.tile_events);
}

void TimelineTracer::on_dma(size_t j, int channel, uint64_t bytes, uint64_t s, uint64_t e) {
    const int c = channel ? 1 : 0;
    slice(kTimelineDmaTid0 + c, c ? "store" : "load", "dma", s, e,
          "\"op\":" + std::to_string(j) + ",\"op_name\":" + json_escape(m_ops[j]->name) +
              ",\"bytes\":" + std::to_string(bytes));
    if (e <= s) return;  // an instantaneous transfer (ideal memory) has no finite rate
    // Bandwidth counters: bytes spread evenly over the transfer (1 B/ps = 1000 GB/s).
    const double dur = static_cast<double>(e - s);
    const double bw = static_cast<double>(bytes) * 1e3 / dur;
    m_dma_bw[c].deltas.emplace_back(s, bw);
    m_dma_bw[c].deltas.emplace_back(e, -bw);
    for (size_t i = 0; i < m_mems.size(); ++i) {
        const uint64_t rd = m_mems[i]->read_bytes(), wr = m_mems[i]->write_bytes();
        const double moved =
            static_cast<double>((rd - m_mem_last[i].first) + (wr - m_mem_last[i].second));
        m_mem_last[i] = {rd, wr};
        if (moved <= 0) continue;
        m_mem_bw[i].deltas.emplace_back(s, moved * 1e3 / dur);
        m_mem_bw[i].deltas.emplace_back(e, -moved * 1e3 / dur);
    }
}

void TimelineTracer::emit(StreamOut& o) const {
    o << "{\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"generator\":\"qasim\",\"hw\":" +
             json_escape(m_hw_name) + ",\"clock_mhz\":" + json_number(m_clock_mhz) +
             ",\"time_unit\":\"us\"},\n\"traceEvents\":[\n";
    auto meta = [&](const std::string& what, int tid, const std::string& args) {
        o << "{\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(tid) + ",\"name\":\"" + what +
                 "\",\"args\":{" + args + "}},\n";
    };
    meta("process_name", 0, "\"name\":" + json_escape("qasim " + m_hw_name));
    meta("thread_name", kTimelineLayerTid, "\"name\":\"layers\"");
    meta("thread_sort_index", kTimelineLayerTid, "\"sort_index\":0");
    for (size_t u = 0; u < m_unit_names.size(); ++u) {
        const int tid = kTimelineUnitTid0 + static_cast<int>(u);
        meta("thread_name", tid, "\"name\":" + json_escape(m_unit_names[u]));
        meta("thread_sort_index", tid, "\"sort_index\":" + std::to_string(1 + u));
    }
    const char* dma_names[2] = {"dma.rd", "dma.wr"};
    for (int c = 0; c < 2; ++c) {
        meta("thread_name", kTimelineDmaTid0 + c, std::string("\"name\":\"") + dma_names[c] + "\"");
        meta("thread_sort_index", kTimelineDmaTid0 + c,
             "\"sort_index\":" + std::to_string(1000 + c));
    }
    auto counter = [&](const Series& s) {
        std::vector<std::pair<uint64_t, double>> d = s.deltas;
        std::stable_sort(d.begin(), d.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        double v = 0, last = 0;
        bool have_last = false;
        for (size_t i = 0; i < d.size();) {
            const uint64_t t = d[i].first;
            for (; i < d.size() && d[i].first == t; ++i) v += d[i].second;
            if (std::abs(v) < 1e-9) v = 0;
            if (have_last && std::abs(v - last) <= 1e-9 * std::max(1.0, std::abs(v)))
                continue;  // the sum did not change at this time
            have_last = true;
            last = v;
            o << "{\"ph\":\"C\",\"pid\":1,\"name\":" + json_escape(s.name) + ",\"ts\":" + us(t) +
                     ",\"args\":{\"GB/s\":" + json_number(v) + "}},\n";
        }
    };
    counter(m_dma_bw[0]);
    counter(m_dma_bw[1]);
    for (const auto& s : m_mem_bw) counter(s);
    // The event list ends with the slices (no trailing comma).
    if (m_events.empty())
        o << "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_labels\",\"args\":{\"labels\":"
             "\"\"}}";
    o << m_events << "\n]}\n";
}

std::string TimelineTracer::json() const {
    StreamOut o;
    emit(o);
    return o.text();
}

void TimelineTracer::write(const std::string& path) const {
    StreamOut o(path);
    emit(o);
    o.commit();
}

}  // namespace qasim::sim

#include "sim/simulation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "hw/common/time.h"
#include "sim/json.h"

namespace qasim::sim {
namespace {

// Each memory gets its own window of the global address space, 2^44 B (16 TiB) apart.
constexpr uint64_t kWindow = 1ull << 44;


}  // namespace

Simulation::Simulation(const HwConfig& hw, const workloads::Trace& trace, const models::Tech& tech)
    : m_hw(hw), m_trace(trace), m_tech(tech) {
    BuildContext ctx;
    ctx.file = hw.file;
    ctx.clock_mhz = hw.clock_mhz;
    ctx.tech_nm = static_cast<int>(hw.tech_nm);
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(hw.quantum_ns, sc_core::SC_NS));

    // Memories first (a type may be both a memory and a compute unit, e.g. sram_pim).
    for (const auto& m : hw.memories) {
        ctx.instance = m.name;
        sc_core::sc_module* mod = m.entry->build(*m.cfg, ctx);
        m_modules.push_back(mod);
        auto* mt = dynamic_cast<hw::MemoryTarget*>(mod);
        if (!mt) throw ConfigError(hw.file + ": memory." + m.name + ": type '" + m.type + "' is not a memory");
        m_mems.push_back(mt);
        if (auto* cu = dynamic_cast<hw::ComputeUnit*>(mod)) {
            m_units.push_back(cu);
            m_unit_names.push_back(m.name);
        }
    }
    for (const auto& u : hw.units) {
        ctx.instance = u.name;
        sc_core::sc_module* mod = u.entry->build(*u.cfg, ctx);
        m_modules.push_back(mod);
        auto* cu = dynamic_cast<hw::ComputeUnit*>(mod);
        if (!cu) throw ConfigError(hw.file + ": units." + u.name + ": type '" + u.type + "' is not a compute unit");
        m_units.push_back(cu);
        m_unit_names.push_back(u.name);
    }
    ctx.instance = "xbar";
    sc_core::sc_module* xm = hw.interconnect.entry->build(*hw.interconnect.cfg, ctx);
    m_modules.push_back(xm);
    m_xbar = dynamic_cast<hw::Interconnect*>(xm);
    m_dma = std::make_unique<hw::Dma>("dma", hw.dma);
    m_xbar->bind_initiator(m_dma->mem_out);
    for (size_t i = 0; i < m_mems.size(); ++i) {
        m_xbar->bind_target(*m_mems[i], (i + 1) * kWindow, m_mems[i]->capacity_bytes());
        m_dma->add_memory_window((i + 1) * kWindow, m_mems[i]->capacity_bytes(), m_mems[i]->request_queue_bytes());
    }

    // Map every op to a unit: the first matching rule wins; its unit must accept the op.
    hw::SequencerSetup setup;
    setup.clock_mhz = hw.clock_mhz;
    setup.observer = this;
    uint64_t trace_macs = 0;  // whole-trace MAC total (the report's total.macs), checked below
    for (size_t j = 0; j < trace.ops.size(); ++j) {
        const models::Op& op = trace.ops[j];
        // The first rule that matches the op kind and whose unit accepts the op wins; a rule whose
        // unit rejects the op (e.g. an fp16 lm_head on a LUT core) falls through to the next one.
        const std::string where = trace.source + ": ops[" + std::to_string(j) + "] '" + op.name + "'";
        // Counters are 64-bit: refuse rows whose total MACs or elements would not fit.
        uint64_t prod = 0;
        const bool ovf = __builtin_mul_overflow(op.m, op.k, &prod) || __builtin_mul_overflow(prod, op.n, &prod) ||
                         __builtin_mul_overflow(prod, op.batch, &prod) || __builtin_mul_overflow(prod, op.repeat, &prod) ||
                         prod > (1ull << 62) || __builtin_mul_overflow(op.elems, op.repeat, &prod) || prod > (1ull << 62);
        if (ovf)
            throw ConfigError(where + ": m*k*n*batch*repeat (or elems*repeat) exceeds 2^62, beyond the 64-bit counters; "
                                      "split the row");
        size_t ui = m_units.size();
        std::string reasons;
        for (const auto& r : hw.mapping) {
            if (!r.matches(op.kind)) continue;
            size_t cand = m_units.size();
            for (size_t i = 0; i < m_unit_names.size(); ++i)
                if (m_unit_names[i] == r.unit) cand = i;
            if (cand == m_units.size())
                throw ConfigError(hw.file + ": mapping: unit '" + r.unit + "' is not a compute unit");
            const std::string why = m_units[cand]->check(op);
            if (why.empty()) {
                ui = cand;
                break;
            }
            reasons += (reasons.empty() ? "" : "; ") + std::string("cannot run on unit '") + r.unit + "': " + why;
        }
        if (ui == m_units.size()) {
            if (reasons.empty())
                throw ConfigError(where + ": op kind '" + models::to_string(op.kind) + "' matches no rule of " + hw.file +
                                  " mapping; add e.g. {ops: [" + models::to_string(op.kind) + "], unit: NAME}");
            throw ConfigError(where + ": " + reasons);
        }
        if (__builtin_add_overflow(trace_macs, op.macs() * op.repeat, &trace_macs) || trace_macs > (1ull << 62))
            throw ConfigError(where + ": the trace's total MACs exceed 2^62, beyond the 64-bit counters; split the trace");
        try {
            setup.plans.push_back(m_units[ui]->plan(op));
        } catch (const std::invalid_argument& e) {
            throw ConfigError(where + ": " + e.what());
        }
        setup.ops.push_back(&op);
        setup.op_unit.push_back(ui);
        m_op_unit.push_back(ui);
        m_op_peak.push_back(setup.plans.back().peak_ops_per_cycle);
    }
    auto region = [&](const std::string& mem) {
        for (size_t i = 0; i < m_mems.size(); ++i)
            if (m_hw.memories[i].name == mem)
                return hw::Region{(i + 1) * kWindow, m_mems[i]->capacity_bytes(), m_mems[i]->is_dram()};
        return hw::Region{kWindow, m_mems[0]->capacity_bytes(), m_mems[0]->is_dram()};
    };
    // Weights, KV and activations share a memory when placed together: split its space in three.
    hw::Region w = region(hw.placement.weights), kv = region(hw.placement.kv), act = region(hw.placement.activations);
    auto split = [](hw::Region& r, int parts, int idx) {
        const uint64_t part = r.size / static_cast<uint64_t>(parts) / 4096 * 4096;
        r.base += part * static_cast<uint64_t>(idx);
        r.size = part;
    };
    if (w.base == kv.base && kv.base == act.base) {
        split(w, 4, 0);  // weights get half: they are the largest tensors
        w.size *= 2;
        split(kv, 4, 2);
        split(act, 4, 3);
    } else {
        if (w.base == kv.base) { split(w, 2, 0); split(kv, 2, 1); }
        if (w.base == act.base) { split(w, 2, 0); split(act, 2, 1); }
        if (kv.base == act.base) { split(kv, 2, 0); split(act, 2, 1); }
    }
    setup.weights = w;
    setup.kv = kv;
    setup.activations = act;

    m_seq = std::make_unique<hw::Sequencer>("sequencer", std::move(setup));
    for (auto* u : m_units) m_seq->unit_out.bind(u->cmd_socket());
    m_seq->dma_out.bind(m_dma->cmd_in);

    // Energy tables: one per costed module.
    for (auto* u : m_units) m_costed.push_back(u);
    for (auto* m : m_mems)
        if (!dynamic_cast<hw::ComputeUnit*>(m)) m_costed.push_back(m);
    m_costed.push_back(m_xbar);
    for (auto* c : m_costed) {
        models::CostTable t;
        c->cost_table(m_tech, t);
        m_leak_mw += t.leakage_mw;
        m_cost_tables.push_back(std::move(t));
    }
    for (auto* m : m_modules)
        if (auto* s = dynamic_cast<hw::StatsProvider*>(m)) m_stats.push_back(s);
    m_stats.push_back(m_dma.get());
    m_layer_energy.assign(trace.ops.size(), 0.0);
    m_layer_hits.assign(trace.ops.size(), 0);
    m_layer_accesses.assign(trace.ops.size(), 0);
}

Simulation::~Simulation() {
    m_seq.reset();
    m_dma.reset();
    for (auto it = m_modules.rbegin(); it != m_modules.rend(); ++it) delete *it;
}

double Simulation::energy_snapshot() const {
    double e = 0;
    for (size_t i = 0; i < m_costed.size(); ++i) {
        const auto& t = m_cost_tables[i];
        for (const auto& [a, n] : m_costed[i]->action_counts().all()) {
            auto it = t.pj_per_action.find(a);
            if (it != t.pj_per_action.end()) e += static_cast<double>(n) * it->second;
        }
    }
    return e;
}

void Simulation::on_layer_begin(size_t j) {
    m_energy_before = energy_snapshot();
    m_hits_before = m_accesses_before = 0;
    for (auto* m : m_mems) {
        m_hits_before += m->row_hits();
        m_accesses_before += m->row_accesses();
    }
    for (auto* o : m_extra) o->on_layer_begin(j);
}

void Simulation::on_layer_end(size_t j, const hw::LayerResult& r) {
    m_layer_energy[j] = energy_snapshot() - m_energy_before;
    uint64_t h = 0, a = 0;
    for (auto* m : m_mems) {
        h += m->row_hits();
        a += m->row_accesses();
    }
    m_layer_hits[j] = h - m_hits_before;
    m_layer_accesses[j] = a - m_accesses_before;
    for (auto* o : m_extra) o->on_layer_end(j, r);
}

void Simulation::on_compute(size_t op, size_t unit, uint64_t tile, uint64_t s, uint64_t e) {
    for (auto* o : m_extra) o->on_compute(op, unit, tile, s, e);
}

void Simulation::on_dma(size_t op, int ch, uint64_t bytes, uint64_t s, uint64_t e) {
    for (auto* o : m_extra) o->on_dma(op, ch, bytes, s, e);
}

std::vector<ModuleCost> Simulation::costs() const {
    std::vector<ModuleCost> v;
    for (size_t i = 0; i < m_costed.size(); ++i) {
        ModuleCost mc;
        auto* mod = dynamic_cast<sc_core::sc_object*>(m_costed[i]);
        mc.name = mod ? mod->name() : "?";
        mc.area_breakdown = m_cost_tables[i].area_mm2;
        mc.area_mm2 = m_cost_tables[i].total_area_mm2();
        mc.leakage_pj = m_cost_tables[i].leakage_mw;  // mW here: no time elapsed
        v.push_back(std::move(mc));
    }
    return v;
}

Report Simulation::run() {
    sc_core::sc_start();
    if (!m_seq->finished()) throw std::runtime_error("simulation ended before the trace finished");
    Report rep;
    rep.hw_name = m_hw.name;
    rep.hw_file = m_hw.file;
    rep.model = m_trace.model;
    rep.phase = m_trace.phase;
    rep.workload_source = m_trace.source;
    rep.batch = m_trace.batch;
    rep.context = m_trace.context;
    rep.seq = m_trace.seq;
    rep.clock_mhz = m_hw.clock_mhz;
    rep.tech_nm = m_hw.tech_nm;
    const double period = hw::period_ps(m_hw.clock_mhz);
    auto to_cycles = [&](uint64_t ps) { return static_cast<uint64_t>(std::llround(static_cast<double>(ps) / period)); };
    const uint64_t end_ps = m_seq->end_ps();
    rep.time_ns = static_cast<double>(end_ps) / 1e3;
    rep.cycles = to_cycles(end_ps);
    const double leak_total_pj = m_leak_mw * rep.time_ns;  // mW × ns = pJ

    // Peak MACs per cycle of the units that ran matmuls (for total utilization).
    std::vector<uint64_t> unit_peak(m_units.size(), 0);
    for (size_t j = 0; j < m_trace.ops.size(); ++j)
        if (models::is_matmul(m_trace.ops[j].kind))
            unit_peak[m_op_unit[j]] = std::max(unit_peak[m_op_unit[j]], m_op_peak[j]);
    uint64_t peak = 0;
    for (auto p : unit_peak) peak += p;
    const auto& layers = m_seq->layers();
    for (size_t j = 0; j < layers.size(); ++j) {
        const auto& op = m_trace.ops[j];
        LayerReport L;
        L.op = &op;
        L.r = layers[j];
        L.cycles = to_cycles(layers[j].end_ps) - to_cycles(layers[j].start_ps);
        L.compute_cycles = layers[j].compute_cycles;
        L.stall_cycles = to_cycles(layers[j].stall_ps);
        L.unit = m_unit_names[m_op_unit[j]];
        const double ops_done = static_cast<double>(layers[j].macs);
        L.utilization = L.cycles ? ops_done / (static_cast<double>(m_op_peak[j]) * static_cast<double>(L.cycles)) : 0;
        rep.macs += op.macs() * op.repeat;
        rep.dram_read_bytes += layers[j].dram_read_bytes;
        rep.dram_write_bytes += layers[j].dram_write_bytes;
        const double layer_ns = static_cast<double>(layers[j].end_ps - layers[j].start_ps) / 1e3;
        L.energy_pj = m_layer_energy[j] + m_leak_mw * layer_ns;
        L.dram_bw_gbps = layer_ns > 0 ? static_cast<double>(layers[j].dram_read_bytes + layers[j].dram_write_bytes) / layer_ns : 0;
        L.row_hit_rate = m_layer_accesses[j] ? static_cast<double>(m_layer_hits[j]) / static_cast<double>(m_layer_accesses[j]) : 0;
        rep.layers.push_back(L);
    }
    rep.utilization = rep.cycles && peak ? static_cast<double>(rep.macs) / (static_cast<double>(peak) * static_cast<double>(rep.cycles)) : 0;
    // Per-module energy and area.
    double dyn_total = 0, area_total = 0;
    for (size_t i = 0; i < m_costed.size(); ++i) {
        ModuleCost mc;
        auto* mod = dynamic_cast<sc_core::sc_object*>(m_costed[i]);
        mc.name = mod ? mod->name() : "?";
        const auto& t = m_cost_tables[i];
        for (const auto& [a, n] : m_costed[i]->action_counts().all()) {
            mc.action_counts[a] = n;
            auto it = t.pj_per_action.find(a);
            const double e = it == t.pj_per_action.end() ? 0.0 : static_cast<double>(n) * it->second;
            mc.by_action[a] = e;
            mc.dynamic_pj += e;
        }
        mc.leakage_pj = t.leakage_mw * rep.time_ns;
        mc.area_breakdown = t.area_mm2;
        mc.area_mm2 = t.total_area_mm2();
        dyn_total += mc.dynamic_pj;
        area_total += mc.area_mm2;
        rep.modules.push_back(std::move(mc));
    }
    rep.energy_pj = dyn_total + leak_total_pj;
    rep.area_mm2 = area_total;
    // Stats dump.
    std::ostringstream st;
    for (auto* s : m_stats)
        for (const auto& e : s->stats().entries()) {
            st << s->stats().owner() << "." << e.name << " ";
            if (e.is_integer()) st << static_cast<uint64_t>(e.value());
            else st << json_number(e.value());
            st << "  # " << e.description << " (" << e.unit << ")\n";
        }
    rep.stats_text = st.str();
    return rep;
}

}  // namespace qasim::sim

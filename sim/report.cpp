#include <cstdio>
#include <iomanip>
#include <sstream>

#include "sim/json.h"
#include "sim/simulation.h"

namespace qasim::sim {
namespace {
std::string fixed(double v, int prec) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(prec) << v;
    return os.str();
}
std::string si(double v, const char* unit) {
    const char* up[] = {"", "k", "M", "G", "T", "P"};
    const char* down[] = {"", "m", "u", "n", "p"};
    if (v != 0 && v < 1) {
        int i = 0;
        while (v < 1 && i < 4) {
            v *= 1000;
            ++i;
        }
        return fixed(v, 2) + " " + down[i] + unit;
    }
    int i = 0;
    while (v >= 1000 && i < 5) {
        v /= 1000;
        ++i;
    }
    return fixed(v, i ? 2 : 0) + " " + up[i] + unit;
}
}  // namespace

std::string Report::to_json() const {
    JsonWriter w;
    w.begin_object();
    w.kv("schema", "qasim.report/1");
    w.key("hw").begin_object().kv("name", hw_name).kv("file", hw_file).kv("clock_mhz", clock_mhz).kv("tech_nm", tech_nm).end_object();
    w.key("workload").begin_object().kv("model", model).kv("phase", phase).kv("source", workload_source)
        .kv("batch", batch).kv("seq", seq).kv("context", context).kv("rows", static_cast<uint64_t>(layers.size())).end_object();
    w.key("total").begin_object();
    w.kv("cycles", cycles).kv("time_ns", time_ns).kv("energy_pj", energy_pj).kv("area_mm2", area_mm2).kv("macs", macs)
        .kv("utilization", utilization).kv("dram_read_bytes", dram_read_bytes).kv("dram_write_bytes", dram_write_bytes);
    w.kv("dram_bw_gbps", time_ns > 0 ? static_cast<double>(dram_read_bytes + dram_write_bytes) / time_ns : 0.0);
    w.end_object();
    w.key("energy_pj").begin_object();
    for (const auto& m : modules) {
        w.key(m.name).begin_object().kv("dynamic", m.dynamic_pj).kv("leakage", m.leakage_pj)
            .kv("total", m.dynamic_pj + m.leakage_pj);
        w.key("by_action").begin_object();
        for (const auto& [a, e] : m.by_action) w.kv(a, e);
        w.end_object();
        w.key("action_counts").begin_object();
        for (const auto& [a, n] : m.action_counts) w.kv(a, n);
        w.end_object();
        w.end_object();
    }
    w.end_object();
    w.key("area_mm2").begin_object();
    for (const auto& m : modules) {
        w.key(m.name).begin_object().kv("total", m.area_mm2);
        for (const auto& [c, a] : m.area_breakdown) w.kv(c, a);
        w.end_object();
    }
    w.end_object();
    w.key("layers").begin_array();
    for (const auto& L : layers) {
        const auto& op = *L.op;
        w.begin_object();
        w.kv("name", op.name).kv("op", models::to_string(op.kind)).kv("unit", L.unit).kv("m", op.m).kv("k", op.k)
            .kv("n", op.n).kv("batch", op.batch).kv("elems", op.elems).kv("repeat", op.repeat)
            .kv("a_fmt", op.a.spec).kv("b_fmt", op.b.spec).kv("out_fmt", op.out.spec).kv("b_src", models::to_string(op.b_src));
        w.kv("cycles", L.cycles).kv("compute_cycles", L.compute_cycles).kv("stall_cycles", L.stall_cycles)
            .kv("macs", op.macs() * op.repeat).kv("utilization", L.utilization).kv("tiles", L.r.tiles)
            .kv("sram_reads", L.r.sram_read_bytes).kv("sram_writes", L.r.sram_write_bytes)
            .kv("dram_read_bytes", L.r.dram_read_bytes).kv("dram_write_bytes", L.r.dram_write_bytes)
            .kv("dram_bw_gbps", L.dram_bw_gbps).kv("row_hit_rate", L.row_hit_rate).kv("energy_pj", L.energy_pj)
            .kv("start_ns", static_cast<double>(L.r.start_ps) / 1e3).kv("end_ns", static_cast<double>(L.r.end_ps) / 1e3);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::string Report::layers_csv() const {
    std::ostringstream os;
    os << "name,op,unit,m,k,n,batch,elems,repeat,a_fmt,b_fmt,out_fmt,cycles,compute_cycles,stall_cycles,macs,"
          "utilization,sram_reads,sram_writes,dram_read_bytes,dram_write_bytes,dram_bw_gbps,row_hit_rate,energy_pj\n";
    for (const auto& L : layers) {
        const auto& op = *L.op;
        os << op.name << "," << models::to_string(op.kind) << "," << L.unit << "," << op.m << "," << op.k << ","
           << op.n << "," << op.batch << "," << op.elems << "," << op.repeat << "," << op.a.spec << ","
           << op.b.spec << "," << op.out.spec << "," << L.cycles << "," << L.compute_cycles << ","
           << L.stall_cycles << "," << op.macs() * op.repeat << "," << json_number(L.utilization) << ","
           << L.r.sram_read_bytes << "," << L.r.sram_write_bytes << "," << L.r.dram_read_bytes << ","
           << L.r.dram_write_bytes << "," << json_number(L.dram_bw_gbps) << "," << json_number(L.row_hit_rate)
           << "," << json_number(L.energy_pj) << "\n";
    }
    return os.str();
}

std::string Report::summary_table() const {
    std::ostringstream os;
    os << "qasim: " << hw_name << " running " << (model.empty() ? workload_source : model) << " (" << phase
       << ", batch " << batch << ")\n\n";
    os << std::left << std::setw(22) << "layer" << std::setw(13) << "op" << std::setw(8) << "unit" << std::right
       << std::setw(6) << "rep" << std::setw(14) << "cycles" << std::setw(14) << "compute" << std::setw(12)
       << "stall" << std::setw(8) << "util%" << std::setw(12) << "DRAM rd" << std::setw(12) << "DRAM wr"
       << std::setw(12) << "energy" << "\n";
    for (const auto& L : layers) {
        const auto& op = *L.op;
        std::string nm = op.name.size() > 21 ? op.name.substr(0, 20) + "~" : op.name;
        os << std::left << std::setw(22) << nm << std::setw(13) << models::to_string(op.kind) << std::setw(8)
           << L.unit << std::right << std::setw(6) << op.repeat << std::setw(14) << L.cycles << std::setw(14)
           << L.compute_cycles << std::setw(12) << L.stall_cycles << std::setw(8) << fixed(100 * L.utilization, 1)
           << std::setw(12) << si(static_cast<double>(L.r.dram_read_bytes), "B") << std::setw(12)
           << si(static_cast<double>(L.r.dram_write_bytes), "B") << std::setw(12) << si(L.energy_pj * 1e-12, "J")
           << "\n";
    }
    os << "\ntotal: " << cycles << " cycles, " << fixed(time_ns / 1e3, 3) << " us at " << clock_mhz << " MHz, "
       << si(static_cast<double>(macs), "MAC") << ", utilization " << fixed(100 * utilization, 1) << "%\n";
    os << "       DRAM read " << si(static_cast<double>(dram_read_bytes), "B") << ", write "
       << si(static_cast<double>(dram_write_bytes), "B") << ", energy " << si(energy_pj * 1e-12, "J")
       << ", area " << fixed(area_mm2, 2) << " mm^2 (" << tech_nm << " nm)\n";
    return os.str();
}

}  // namespace qasim::sim

#include "sim/trace_manager.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>

#include "models/text.h"
#include "sim/cli_util.h"
#include "sim/errors.h"
#include "sim/stream_out.h"

namespace qasim::sim {
namespace {

TraceManager* g_active = nullptr;

// VCD identifier codes: printable ASCII '!'..'~' in base 94 (IEEE 1364 §18.2.1).
std::string vcd_id(size_t n) {
    std::string s;
    do {
        s += static_cast<char>('!' + n % 94);
        n /= 94;
    } while (n);
    return s;
}

bool parse_ns(const std::string& s, double* out) {
    if (s.empty()) return false;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) return false;
    *out = v;
    return true;
}

// Scope tree of the VCD header, children in order of first registration.
struct Scope {
    std::vector<std::pair<std::string, std::unique_ptr<Scope>>> children;
    std::vector<size_t> sigs;
    Scope* child(const std::string& name) {
        for (auto& [n, c] : children)
            if (n == name) return c.get();
        children.emplace_back(name, std::make_unique<Scope>());
        return children.back().second.get();
    }
};

// GTKWave trace flags (gtkwave src/analyzer.h, TraceEntFlagBits).
constexpr unsigned kTrDec = 0x4, kTrBin = 0x8, kTrRjustify = 0x20, kTrBlank = 0x200;
constexpr unsigned kTrAnalogStep = 0x8000, kTrAnalogBlankStretch = 0x20000;
constexpr unsigned kTrGrpBegin = 0x800000, kTrGrpEnd = 0x1000000;

}  // namespace

std::vector<std::string> parse_signal_globs(const std::string& arg) {
    std::vector<std::string> globs;
    for (const auto& g : models::split(arg, ',')) {
        if (g.empty())
            throw ConfigError(
                "--vcd-signals: '" + arg +
                "': empty glob; expected comma-separated globs such as 'sa0.*,dma.*'");
        globs.push_back(g);
    }
    return globs;
}

void parse_window(const std::string& arg, TraceOptions& opts) {
    const size_t c = arg.find(':');
    const std::string what = "--vcd-window: '" + arg + "': ";
    if (c == std::string::npos || arg.find(':', c + 1) != std::string::npos)
        throw ConfigError(what + "expected START_NS:END_NS (e.g. 1000:5000, or 1000: to the end)");
    const std::string a = arg.substr(0, c), b = arg.substr(c + 1);
    double s = 0, e = 0;
    if (!a.empty() && !parse_ns(a, &s))
        throw ConfigError(what + "start must be a number of ns >= 0, got '" + a + "'");
    if (!b.empty() && !parse_ns(b, &e))
        throw ConfigError(what + "end must be a number of ns >= 0, got '" + b + "'");
    opts.window_start_ps = static_cast<uint64_t>(std::llround(s * 1e3));
    opts.window_end_ps = b.empty() ? std::numeric_limits<uint64_t>::max()
                                   : static_cast<uint64_t>(std::llround(e * 1e3));
    if (opts.window_end_ps <= opts.window_start_ps)
        throw ConfigError(what + "start must be before end");
}

TraceManager::TraceManager(TraceOptions opts) : m_opts(std::move(opts)) {}

TraceManager* TraceManager::active() {
    return g_active;
}
void TraceManager::set_active(TraceManager* tm) {
    g_active = tm;
}

TraceManager::Handle TraceManager::add_signal(const std::string& path, TraceKind kind,
                                              unsigned width, TraceFormat format, bool initial_x) {
    if (path.empty() || path.front() == '.' || path.back() == '.' ||
        path.find("..") != std::string::npos || path.find_first_of(" \t\n") != std::string::npos)
        throw std::invalid_argument("TraceManager: bad signal path '" + path + "'");
    if (std::find(m_all_paths.begin(), m_all_paths.end(), path) != m_all_paths.end())
        throw std::invalid_argument("TraceManager: signal '" + path + "' registered twice");
    m_all_paths.push_back(path);
    bool keep = m_opts.globs.empty();
    for (const auto& g : m_opts.globs)
        if (fnmatch(g.c_str(), path.c_str(), 0) == 0) keep = true;
    if (!keep) return kDisabled;
    if (kind == TraceKind::bit) width = 1;
    if (kind == TraceKind::real) width = 64;
    if (width == 0 || width > 64)
        throw std::invalid_argument("TraceManager: '" + path + "': width must be 1..64");
    m_sigs.push_back(Signal{path, kind, width, format, initial_x && kind != TraceKind::real,
                            vcd_id(m_sigs.size())});
    return static_cast<Handle>(m_sigs.size() - 1);
}

void TraceManager::push(Handle h, uint64_t t_ps, double v, bool delta) {
    if (t_ps > m_opts.window_end_ps) return;  // never shown, and later values do not depend on it
    m_recs.push_back(Rec{t_ps, h, delta, v});
}

void TraceManager::check_globs() const {
    for (const auto& g : m_opts.globs) {
        bool hit = false;
        for (const auto& p : m_all_paths) hit = hit || fnmatch(g.c_str(), p.c_str(), 0) == 0;
        if (!hit) {
            std::string all;
            for (const auto& p : m_all_paths) all += (all.empty() ? "" : ", ") + p;
            throw ConfigError("--vcd-signals: glob '" + g +
                              "' matches no signal; signals are: " + all);
        }
    }
}

std::vector<std::string> TraceManager::all_paths() const {
    return m_all_paths;
}

std::string TraceManager::value_text(const Signal& s, double v) const {
    if (s.kind == TraceKind::real) {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "r%.9g ", std::fabs(v) < 1e-9 ? 0.0 : v);
        return buf + s.id;
    }
    long long iv = std::llround(v);
    uint64_t u = static_cast<uint64_t>(iv);  // two's complement for (unexpected) negatives
    if (s.width < 64) u &= (1ull << s.width) - 1;
    if (s.kind == TraceKind::bit) return (u ? "1" : "0") + s.id;
    std::string bits;
    do {
        bits += static_cast<char>('0' + (u & 1));
        u >>= 1;
    } while (u);
    std::reverse(bits.begin(), bits.end());
    return "b" + bits + " " + s.id;
}

void TraceManager::emit_vcd(StreamOut& o) {
    o << "$version qasim $end\n$timescale 1ps $end\n";
    // Header: scope tree under `top`.
    Scope root;
    for (size_t i = 0; i < m_sigs.size(); ++i) {
        const auto parts = models::split(m_sigs[i].path, '.');
        Scope* s = &root;
        for (size_t k = 0; k + 1 < parts.size(); ++k) s = s->child(parts[k]);
        s->sigs.push_back(i);
    }
    std::function<void(const std::string&, const Scope&)> emit = [&](const std::string& name,
                                                                     const Scope& s) {
        o << "$scope module " + name + " $end\n";
        for (size_t i : s.sigs) {
            const Signal& g = m_sigs[i];
            const std::string leaf = models::split(g.path, '.').back();
            if (g.kind == TraceKind::real)
                o << "$var real 64 " + g.id + " " + leaf + " $end\n";
            else if (g.kind == TraceKind::bit)
                o << "$var wire 1 " + g.id + " " + leaf + " $end\n";
            else
                o << "$var integer " + std::to_string(g.width) + " " + g.id + " " + leaf + " [" +
                         std::to_string(g.width - 1) + ":0] $end\n";
        }
        for (const auto& [n, c] : s.children) emit(n, *c);
        o << "$upscope $end\n";
    };
    emit("top", root);
    o << "$enddefinitions $end\n";

    // Body: records in time order (stable: same-time records apply in recording order). Sorted in
    // place: records made later keep their place among equal times when sorted again.
    std::stable_sort(m_recs.begin(), m_recs.end(),
                     [](const Rec& a, const Rec& b) { return a.t < b.t; });
    const std::vector<Rec>& recs = m_recs;
    const size_t n = m_sigs.size();
    std::vector<double> val(n, 0.0), shown_v(n, 0.0);
    std::vector<char> known(n), shown_known(n);
    for (size_t i = 0; i < n; ++i) known[i] = !m_sigs[i].initial_x;
    std::vector<std::string> shown(n);
    auto text = [&](size_t i) {
        if (known[i]) return value_text(m_sigs[i], val[i]);
        return (m_sigs[i].kind == TraceKind::bit ? "x" : "bx ") + m_sigs[i].id;
    };
    auto apply = [&](const Rec& r) {
        val[r.h] = r.delta ? val[r.h] + r.v : r.v;
        known[r.h] = 1;
    };
    size_t i = 0;
    const uint64_t start = m_opts.window_start_ps, end = m_opts.window_end_ps;
    for (; i < recs.size() && recs[i].t <= start; ++i) apply(recs[i]);
    o << "#" + std::to_string(start) + "\n$dumpvars\n";
    for (size_t k = 0; k < n; ++k) {
        shown[k] = text(k);
        shown_v[k] = val[k];
        shown_known[k] = known[k];
        o << shown[k] << '\n';
    }
    o << "$end\n";
    std::vector<size_t> touched;
    std::vector<char> is_touched(n, 0);
    while (i < recs.size() && recs[i].t <= end) {
        const uint64_t t = recs[i].t;
        for (; i < recs.size() && recs[i].t == t; ++i) {
            apply(recs[i]);
            if (!is_touched[recs[i].h]) {
                is_touched[recs[i].h] = 1;
                touched.push_back(recs[i].h);
            }
        }
        std::sort(touched.begin(), touched.end());
        bool stamped = false;
        for (size_t k : touched) {
            is_touched[k] = 0;
            if (known[k] == shown_known[k] && val[k] == shown_v[k]) continue;  // cheap test first
            std::string s = text(k);
            shown_v[k] = val[k];
            shown_known[k] = known[k];
            if (s == shown[k]) continue;
            if (!stamped) {
                o << "#" + std::to_string(t) + "\n";
                stamped = true;
            }
            o << s << '\n';
            shown[k] = std::move(s);
        }
        touched.clear();
    }
}

std::string TraceManager::vcd_text() {
    StreamOut o;
    emit_vcd(o);
    return o.text();
}

void TraceManager::write_vcd(const std::string& path) {
    StreamOut o(path);
    emit_vcd(o);
    o.commit();
}

std::string TraceManager::gtkw_text(const std::string& vcd_path) const {
    uint64_t t_end = m_opts.window_start_ps;
    for (const auto& r : m_recs) t_end = std::max(t_end, r.t);
    const uint64_t span = std::max<uint64_t>(t_end - m_opts.window_start_ps, 1);
    // Zoom so that the whole span (+5%) fits the wave pane of a 1600-pixel window: measured with
    // GTKWave 3.3.118 (Tcl gtkwave::setZoomFactor / getWindowEndTime), the pane spans 5·2^-zoom
    // time units at that size ("Zoom Best Fit" on the ViT-B/16 demo gives -29.70 for 4.34e9 ps).
    const double zoom = -std::log2(static_cast<double>(span) * 1.05 / 5.0);
    std::string o;
    o += "[*] qasim waveform view; open with: gtkwave " + vcd_path + " <this file>\n";
    o += "[dumpfile] \"" + vcd_path + "\"\n";
    o += "[timestart] " + std::to_string(m_opts.window_start_ps) + "\n";
    o += "[size] 1600 1000\n[pos] -1 -1\n";
    char zbuf[64];
    std::snprintf(zbuf, sizeof(zbuf), "*%.6f %llu", zoom,
                  static_cast<unsigned long long>(m_opts.window_start_ps));
    o += std::string(zbuf) +
         " -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n";
    o += "[treeopen] top.\n[sst_width] 220\n[signals_width] 360\n[sst_expanded] "
         "1\n[sst_vpaned_height] 250\n";
    auto flags = [](unsigned f) {
        char b[16];
        std::snprintf(b, sizeof(b), "@%x\n", f);
        return std::string(b);
    };
    // Groups in order of first registration; a path without a dot goes to group "global".
    std::vector<std::string> groups;
    std::map<std::string, std::vector<size_t>> members;
    for (size_t i = 0; i < m_sigs.size(); ++i) {
        if (!m_sigs[i].in_view) continue;
        const size_t d = m_sigs[i].path.find('.');
        const std::string g = d == std::string::npos ? "global" : m_sigs[i].path.substr(0, d);
        if (!members.count(g)) groups.push_back(g);
        members[g].push_back(i);
    }
    for (const auto& g : groups) {
        o += flags(kTrGrpBegin | kTrBlank) + "-" + g + "\n";
        for (size_t i : members[g]) {
            const Signal& s = m_sigs[i];
            // GTKWave names `integer` vars without a bit range (top.sa0.op, not top.sa0.op[31:0]).
            // A signal nested below its group (sa0.ifmap_sram.occupancy_bytes) gets its path in
            // the group as alias ("+{alias} name"), with spaces for dots: GTKWave shows only the
            // last dot-separated component of a name or alias.
            std::string name = "top." + s.path;
            const size_t d = s.path.find('.');
            if (d != std::string::npos && s.path.find('.', d + 1) != std::string::npos) {
                std::string alias = s.path.substr(d + 1);
                std::replace(alias.begin(), alias.end(), '.', ' ');
                name = "+{" + alias + "} " + name;
            }
            if (s.format == TraceFormat::analog) {
                o += flags(kTrAnalogStep | kTrRjustify | kTrDec) + name + "\n";
                o += flags(kTrAnalogBlankStretch) + "-\n";  // a taller row for the plot
            } else {
                o += flags(kTrRjustify | (s.format == TraceFormat::binary ? kTrBin : kTrDec)) +
                     name + "\n";
            }
        }
        o += flags(kTrGrpEnd | kTrBlank) + "-" + g + "\n";
    }
    return o;
}

void TraceManager::write_gtkw(const std::string& path, const std::string& vcd_path) const {
    write_file_atomic(path, gtkw_text(vcd_path));
}

}  // namespace qasim::sim

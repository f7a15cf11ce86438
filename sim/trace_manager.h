#pragma once
// Waveform recording for `qasim run --vcd` (DESIGN.md §3 "Waveforms under temporal decoupling").
//
// Modules run ahead of sc_time_stamp() under the quantum keeper, so a traced value cannot be
// written into an sc_signal when it changes: only the last value of each quantum would survive.
// Instead every change is recorded here with its own absolute simulated time (sc_time_stamp() +
// local offset, in ps); at the end the records are sorted by time and written as a VCD, so the
// waveform resolves every change at its exact time (1 ps timescale), whatever the quantum.
//
// Registration API (for any module, e.g. the HBM channels):
//
//   // at construction (elaboration), once per signal; tracing off => active() is null:
//   if (auto* tm = qasim::sim::TraceManager::active())
//       m_tr_bytes = tm->add_signal(std::string(name()) + ".ch3.bytes", TraceKind::integer, 64,
//                                   TraceFormat::analog);
//   // whenever the value changes (t_ps = absolute simulated time of the change, any order):
//   if (m_tr) m_tr->set(m_tr_rows, t_ps, open_rows);        // absolute value from t_ps on
//   if (m_tr) m_tr->add(m_tr_bytes, t_ps, burst_bytes);     // += delta from t_ps on (counters)
//
// - `path` is dot-separated; the first component is the group (one GTKWave group per unit, memory
//   or "dma"); the VCD puts everything under scope `top`. Paths must be unique.
// - Records may arrive out of time order (e.g. a completion recorded at issue). Records at the same
//   time apply in the order they were made; several changes at one time give one VCD change (no
//   glitches), so "end of tile i" (add -1) and "start of tile i+1" (add +1) leave `busy` at 1.
// - A signal deselected by `--vcd-signals` gets a handle whose set()/add() return at once.
// - Tracing off costs nothing: no TraceManager exists, active() is null, no observer is attached.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace qasim::sim {

class StreamOut;

/// Storage type of a traced signal in the VCD.
enum class TraceKind {
    bit,      ///< 1-bit wire (busy flags)
    integer,  ///< unsigned integer of `width` bits (indices, counts, bytes)
    real,     ///< double (rates, e.g. GB/s)
};

/// How the GTKWave save file shows a signal.
enum class TraceFormat {
    binary,   ///< bits (1-bit flags)
    decimal,  ///< decimal digits (indices)
    analog,   ///< analog step plot (occupancy, bytes, rates)
};

/// Which signals and which time span `--vcd-signals` / `--vcd-window` keep.
struct TraceOptions {
    std::vector<std::string> globs;  ///< shell globs on signal paths ("sa0.*"); empty keeps all
    uint64_t window_start_ps = 0;
    uint64_t window_end_ps = std::numeric_limits<uint64_t>::max();
};

/// Parses "--vcd-signals A,B,..." (comma-separated globs); throws ConfigError on an empty glob.
std::vector<std::string> parse_signal_globs(const std::string& arg);
/// Parses "--vcd-window START_NS:END_NS" (either side may be empty: from 0 / to the end).
/// Throws ConfigError naming the option on bad numbers or START >= END.
void parse_window(const std::string& arg, TraceOptions& opts);

/// Collects timed value changes of registered signals and writes them as VCD + GTKWave save file.
class TraceManager {
public:
    using Handle = uint32_t;
    static constexpr Handle kDisabled = std::numeric_limits<Handle>::max();

    explicit TraceManager(TraceOptions opts = {});
    TraceManager(const TraceManager&) = delete;
    TraceManager& operator=(const TraceManager&) = delete;

    /// The manager of this run, or null when tracing is off.
    static TraceManager* active();
    /// Installs `tm` as the active manager (null to switch tracing off).
    static void set_active(TraceManager* tm);

    /// Registers a signal; returns kDisabled when `--vcd-signals` deselects it. `initial_x`: the
    /// value is unknown ('x') until the first set()/add() (e.g. "current op" before the first
    /// tile).
    Handle add_signal(const std::string& path, TraceKind kind, unsigned width = 64,
                      TraceFormat format = TraceFormat::decimal, bool initial_x = false);

    /// The signal takes `value` from `t_ps` on.
    void set(Handle h, uint64_t t_ps, double value) {
        if (h != kDisabled) push(h, t_ps, value, false);
    }
    /// The signal's value increases by `delta` (may be negative) from `t_ps` on.
    void add(Handle h, uint64_t t_ps, double delta) {
        if (h != kDisabled) push(h, t_ps, delta, true);
    }

    /// Leaves a signal out of the GTKWave save file's view (it stays in the VCD and in GTKWave's
    /// signal tree), e.g. the hundreds of per-bank signals of `memtest --vcd`; unless signals
    /// were selected with `--vcd-signals`: then every selected one is in the view.
    void keep_out_of_view(Handle h) {
        if (h != kDisabled && m_opts.globs.empty()) m_sigs[h].in_view = false;
    }

    /// Throws ConfigError when a `--vcd-signals` glob matches no registered signal.
    void check_globs() const;
    /// Registered paths (all, selected or not), in registration order.
    std::vector<std::string> all_paths() const;
    size_t record_count() const { return m_recs.size(); }

    /// Writes the VCD (timescale 1 ps, times absolute, clipped to the window).
    void write_vcd(const std::string& path);
    /// Writes a GTKWave save file that opens `vcd_path`, one group per first path component.
    void write_gtkw(const std::string& path, const std::string& vcd_path) const;
    /// The VCD text (for tests).
    std::string vcd_text();
    std::string gtkw_text(const std::string& vcd_path) const;

private:
    struct Signal {
        std::string path;
        TraceKind kind;
        unsigned width;
        TraceFormat format;
        bool initial_x;
        std::string id;  // VCD identifier code
        bool in_view = true;  // listed in the GTKWave save file (keep_out_of_view)
    };
    struct Rec {
        uint64_t t;
        uint32_t h;
        bool delta;
        double v;
    };
    void emit_vcd(StreamOut& o);
    void push(Handle h, uint64_t t_ps, double v, bool delta);
    std::string value_text(const Signal& s, double v) const;

    TraceOptions m_opts;
    std::vector<std::string> m_all_paths;
    std::vector<Signal> m_sigs;  // selected signals, indexed by handle
    std::vector<Rec> m_recs;
};

}  // namespace qasim::sim

#pragma once
// A DRAM device (all stacks and channels) behind one timing engine, in plain C++ (no SystemC).
//
// Two ways in, one engine:
//  (a) burst level, for the memtest driver and tests: enqueue bursts into a channel when it has
//      room, advance channels to a cycle, collect completions (models/dram/memtest.h);
//  (b) transaction level, for DMA blocks: `access(addr, bytes, is_write, start_ps)` splits a
//      transaction into bursts by the address map, feeds each channel's bursts (in address order,
//      as fast as its queue accepts them) and runs the channel controllers until they are done.
//      Bank, row and bus state persist between calls, so transactions of concurrent initiators
//      contend. A transaction that starts before a channel's last command is queued behind it
//      (loosely-timed: calls are served in call order, not in start-time order).
//
// Fast streaming (SystemConfig::fast_stream, default on) is exact, not an approximation: a channel
// is a deterministic function of its state and its inputs, and the channels are independent.
// Channels in identical states share one state object (copy on write): all channels start alike;
// in each pass of `access`, channels sharing a state and fed the same bursts at the same cycles
// are run once (the counters take that run's increments once per channel), and a channel whose
// input differs from that of the others sharing its state gets its own copy first. A large
// sequential block gives every channel the same (bank, row) list, so it is timed once instead of
// once per channel. `channel(c)` (the burst-level path, which may change one channel alone)
// gives channel c its own state.
//
// Run memo (SystemConfig::memo, default on), exact too: a transaction of up to 2^16 bursts is
// timed per channel by Channel::run_bin, which starts with empty queues (every call drains the
// channels it touched). Such a run depends only on the channel's state normalized to the first
// cycle a command could issue (timers in the past equal "now", rows as "closed / the block's
// k-th row / another row") and on the block's (bank, row) list; a run seen before is replayed
// from the memo (RunMemo, shared by all channels) unless a refresh deadline falls inside it.
// Inside a long transaction (a whole DMA transfer: runs not memoized, or over 2^16 bursts), the
// same memo replays segments (whole runs of at least RunMemo::kSegBursts bursts) keyed by the
// channel's normalized state including its queued requests (Channel::feed; channel.cpp, "Segment
// memo"): a sequential stream replays segment after segment.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/dram/address_map.h"
#include "models/dram/channel.h"
#include "models/dram/dram_spec.h"

namespace qasim::models::dram {

/// Everything that defines a DRAM device and its controllers.
struct SystemConfig {
    Spec spec;
    uint64_t stacks = 1;
    std::string address_map;  ///< empty: spec.default_map
    ControllerConfig ctrl;
    /// Time channels in identical states fed identical bursts once (exact; see the file
    /// comment). false: every channel burst by burst (the reference for the equality tests).
    bool fast_stream = true;
    /// Replay a channel's run of a DMA block from a memo when the channel starts it in a state
    /// equivalent (up to a time shift) to that of a stored run (exact; channel.cpp, RunMemo).
    /// false: every run simulated (the reference for the equality tests).
    bool memo = true;
};

/// Every problem of a config (spec, address map, controller parameters), keyed by the YAML key
/// of hw/hbm (`address_map`, `trc_cycles`, ...).
std::vector<Problem> check_config(const SystemConfig& c);

class DramSystem {
public:
    /// Throws std::invalid_argument with the first problem if check_config finds any.
    explicit DramSystem(const SystemConfig& cfg);
    DramSystem(const DramSystem&) = delete;  // the channels point to this system's counters
    DramSystem& operator=(const DramSystem&) = delete;

    /// (b) Completion time (ps) of a transaction of `bytes` at byte address `addr` that arrives
    /// at `start_ps`: reads complete when the last data returns, writes when the last data is in.
    /// Addresses wrap around the capacity.
    uint64_t access(uint64_t addr, uint64_t bytes, bool is_write, uint64_t start_ps);

    // (a) burst level.
    Location decode(uint64_t addr) const { return m_map.decode(addr); }
    uint32_t channel_count() const { return static_cast<uint32_t>(m_channels.size()); }
    /// The caller may change the channel: it gets a state of its own (fast_stream).
    Channel& channel(uint32_t c);
    /// Flat bank index inside a channel of a decoded address.
    uint32_t bank_index(const Location& l) const {
        return ((l.pc * m_sids + l.sid) * m_groups + l.bank_group) * m_banks + l.bank;
    }
    /// Channel, flat bank (bank_index) and row of the burst holding byte `addr`: decode() without
    /// decoding every bit, from the table of the low burst-index bits and a decode of the high
    /// bits cached for the last value (exact: the argument of bin_bursts). For burst-level drivers.
    struct BurstTarget {
        uint32_t channel, bank, row;
    };
    BurstTarget target(uint64_t addr) {
        const uint64_t k = addr >> m_burst_shift;
        const uint64_t hi = k >> m_low_bits;
        if (hi != m_target_hi) {
            m_target_hi = hi;
            m_target_hi_part = hi_part(hi);
        }
        const LowDecode& lo = m_low[k & m_low_mask];
        const uint64_t key = lo.key | m_target_hi_part.key;
        return {lo.channel | m_target_hi_part.channel, static_cast<uint32_t>(key >> 32),
                static_cast<uint32_t>(key)};
    }
    /// The number of low burst-index bits that select a column only (HBM2 reference map: 1, Co1):
    /// bursts whose indices differ only in these bits have the same target().
    uint32_t column_low_bits() const { return m_column_low_bits; }
    /// Banks with an open row in channel c (read-only: keeps shared states shared).
    uint32_t open_rows(uint32_t c) const { return m_channels[c]->open_rows(); }
    /// Records of finished bursts (when recording is on); the caller consumes and clears them.
    std::vector<Completion>& completions() { return m_done; }
    void set_record(bool r);

    const Counters& counters() const { return m_counters; }
    /// Burst-level drivers (memtest): count_channels_apart(true) makes every channel count its
    /// commands in channel_counters()[c] from zero (each channel gets a state of its own,
    /// channel()); count_channels_apart(false) adds them into counters() and counts in the
    /// system again; channel_counters() keeps the channels' shares. Not with access() in between
    /// (it keeps shared states' counts in counters(): it throws std::logic_error).
    void count_channels_apart(bool on);
    const std::vector<Counters>& channel_counters() const { return m_channel_counters; }
    /// The run memo (hit and miss counts; SystemConfig::memo).
    const RunMemo& memo() const { return m_memo; }
    /// Memo capacity (RunMemo::set_capacity; tests use a small one to exercise clearing).
    void set_memo_capacity(size_t entries, size_t words) { m_memo.set_capacity(entries, words); }
    const SystemConfig& config() const { return m_cfg; }
    const AddressMap& address_map() const { return m_map; }
    uint64_t tck_ps() const { return m_tck_ps; }
    uint64_t burst_bytes() const { return m_burst_bytes; }
    uint64_t capacity() const { return m_capacity; }
    double peak_gbps() const { return peak_bandwidth_gbps(m_cfg.spec, m_cfg.stacks); }

    /// Dynamic device energy of the counters so far (pJ): ACT, read/write bits, I/O, refresh.
    double dynamic_energy_pj() const;
    /// Background power of all stacks (mW): per stack × stacks × the fraction of a stack the
    /// organisation models (stack_fraction: 1 for the presets, 1/8 for one HBM2 channel).
    double background_mw() const {
        return m_cfg.spec.energy.background_mw_per_stack * static_cast<double>(m_cfg.stacks) *
               stack_fraction(m_cfg.spec);
    }

private:
    /// Sets m_leader / m_followers for a pass: channels sharing a state object with the same
    /// arrival cycle (and the same bursts if `with_bins`) follow the first of them; the others
    /// get their own copy of the state.
    void group_channels(bool with_bins);
    /// Appends bursts k0..k1 (burst indices) to their channels' bins.
    void bin_bursts(uint64_t k0, uint64_t k1);

    SystemConfig m_cfg;
    AddressMap m_map;
    Counters m_counters;
    RunMemo m_memo;
    std::vector<Completion> m_done;
    std::vector<std::shared_ptr<Channel>> m_channels;  // shared: identical states (fast_stream)
    std::vector<Counters> m_channel_counters;  // count_channels_apart: the channels' counts
    bool m_apart = false;                       // channels count in m_channel_counters
    std::vector<std::vector<BinRun>> m_bins;  // per channel: its bursts of a transaction chunk
    std::vector<int64_t> m_arrive;  // per channel: arrival cycle of its next burst (-1: untouched)
    std::vector<const Channel*> m_before;  // per channel: its state object at a pass's start
    std::vector<int32_t> m_leader;         // per channel: the channel that runs its pass
    std::vector<uint64_t> m_followers;     // per leader: channels that follow it
    std::vector<uint32_t> m_leaders;       // the leaders, in order
    struct LowDecode {
        uint32_t channel;
        uint32_t run;  // consecutive low values from this one with the same channel and key
        uint64_t key;  // bank << 32 | row
    };
    std::vector<LowDecode> m_low;  // decode of the low m_low_bits of a burst index (fast_stream)
    /// The decode of burst index hi << m_low_bits: its channel and bank << 32 | row, to be ORed
    /// with a low decode.
    struct HiPart {
        uint32_t channel;
        uint64_t key;
    };
    /// From tables of kHiChunkBits bits each (m_hi_tab: the decode of every value of chunk c,
    /// shifted to its place above the low bits), ORed like the low decode (the argument of
    /// bin_bursts: every address bit goes to one bit of one field, and the flat bank index
    /// concatenates power-of-two fields); bits above the mapped ones are ignored, as by decode.
    /// memtest random decodes new high bits for nearly every request: a full decode was ~90
    /// instructions, the two chunk lookups (HBM2's 18 high bits) ~12.
    HiPart hi_part(uint64_t hi) const {
        const HiPart* t = m_hi_tab.data();
        const HiPart& a = t[hi & kHiChunkMask];
        const HiPart& b = t[kHiChunkEntries | ((hi >> kHiChunkBits) & kHiChunkMask)];
        HiPart p{a.channel | b.channel, a.key | b.key};
        for (uint32_t c = 2; c < m_hi_chunks; ++c) {
            const HiPart& e =
                t[(size_t(c) << kHiChunkBits) | ((hi >> (c * kHiChunkBits)) & kHiChunkMask)];
            p.channel |= e.channel;
            p.key |= e.key;
        }
        return p;
    }
    /// 10 bits per chunk: 1,024 entries of 16 B (16 KB) per chunk, as the low table. At least two
    /// chunks (a chunk above the mapped bits decodes to zeros), at most six (at most 63 mapped
    /// bits, 10 of them low).
    static constexpr uint32_t kHiChunkBits = 10;
    static constexpr size_t kHiChunkEntries = size_t(1) << kHiChunkBits;
    static constexpr uint64_t kHiChunkMask = kHiChunkEntries - 1;
    std::vector<HiPart> m_hi_tab;  // chunk c at [c << kHiChunkBits, (c + 1) << kHiChunkBits)
    uint64_t m_low_mask = 0;       // 2^m_low_bits − 1
    uint32_t m_column_low_bits = 0;
    uint32_t m_hi_chunks = 0;
    uint64_t m_target_hi = UINT64_MAX;  // target(): the high bits decoded last, and their decode
    HiPart m_target_hi_part{0, 0};
    /// The bins of a range [lo_begin, lo_end] of low values (per channel of the low decode, its
    /// runs in order): a block splits into such ranges, one per value of the high bits, whose
    /// bins are the template's OR the high bits' decode. Cached per lo_begin, kTemplateWays
    /// ends each (replaced round robin).
    struct BinTemplate {
        uint32_t lo_end = UINT32_MAX;
        std::vector<std::pair<uint32_t, BinRun>> runs;  // (low channel, run of low keys)
    };
    /// 16 ways: a DMA transfer's first and last 2^L-burst blocks give templates with arbitrary
    /// ends per start; with 4 ways LLaMA-2-70B prefill rebuilt them often (bin_template 12 % of
    /// the CPU, 3.5 % with 16; the 3-layer run 2.8 → 2.55 s, same report; peak RSS unchanged).
    static constexpr uint32_t kTemplateWays = 16;
    std::vector<BinTemplate> m_templates;  // [lo_begin * kTemplateWays + way]
    std::vector<uint8_t> m_template_next;  // per lo_begin: the way to replace next
    std::vector<int32_t> m_tmpl_last;  // scratch: per channel, its last run in a template
    /// Shared bins (bin_bursts): when the low bits of a burst index address every channel, whole
    /// blocks of m_period burst indices (the channel-interleave period: every channel bit lies
    /// below it) give every channel the same runs, those of channel 0, built from channel 0's
    /// runs of low values (m_runs0, in order; m_run0_at[k]: the first one ending at or after k)
    /// and the count of its low values below k (m_below0[k]).
    struct LowRun {
        uint32_t first, last;  // low values of its first and last burst (of channel 0)
        uint64_t key;
    };
    uint64_t m_period = 0;  // 0: the high bits address channels (no shared bins)
    std::vector<LowRun> m_runs0;
    std::vector<uint32_t> m_run0_at, m_below0;
    /// Per channel, the channel whose bin it has in the current chunk (itself unless bin_bursts
    /// found their inputs equal: only that channel's bin is built).
    std::vector<uint32_t> m_rep;
    std::vector<std::vector<BinRun>> m_head, m_tail;  // scratch: per channel, its partial blocks
    std::vector<BinRun> m_mid;                        // scratch: the runs of the whole blocks
    std::vector<uint32_t> m_reps;                     // scratch: the channels whose bin is built
    /// The bin of channel c in the current chunk.
    const std::vector<BinRun>& bin_of(uint32_t c) const { return m_bins[m_rep[c]]; }
    void clear_bins() {
        for (uint32_t c = 0; c < m_bins.size(); ++c) {
            m_bins[c].clear();
            m_rep[c] = c;
        }
    }
    /// Appends the runs of bursts [k0, k1) to their channels' m_head/m_tail lists (`out`).
    void bin_part(uint64_t k0, uint64_t k1, std::vector<std::vector<BinRun>>& out);
    const BinTemplate& bin_template(uint32_t lo_begin, uint32_t lo_end);
    uint32_t m_low_bits = 0;
    uint32_t m_sids, m_groups, m_banks;
    uint64_t m_tck_ps, m_burst_bytes, m_capacity;
    uint32_t m_burst_shift = 0;  // log2(m_burst_bytes): a power of two (check_spec), no division
    bool m_record = true;
};

}  // namespace qasim::models::dram

#pragma once
// One DRAM channel and its controller, timed by event jumps (no cycle-by-cycle ticking).
//
// Controller (modelled on the Ramulator 2.1 HBM controller the reference figures come from,
// ../shared/reference/dram/README.md):
// - read and write queues of `*_queue_depth` bursts; a request whose ACT has issued leaves its
//   queue and waits, "active", for its column command (at most one per bank);
// - FR-FCFS per command bus and per cycle: the column bus first serves the oldest ready active
//   request, then the oldest ready row hit of the current read/write mode; the row bus serves the
//   oldest ready ACT/PRE. A PRE never closes a row that an active request waits for, and (when
//   row_hit_cap > 0) waits while younger hits to the open row are queued, until row_hit_cap hits
//   have bypassed it ("row hits first, oldest first, a cap on bypassing");
// - write drain mode with high/low watermarks (read/write turnaround then costs tRTW / tWTR);
// - all-bank refresh: every tREFI each pseudo-channel gets a REFab, served in order, each after a
//   PREab if rows are open; while one is pending no new request starts in the channel;
// - one row command (ACT occupies act_cmd_cycles) and one column command per cycle; per
//   pseudo-channel data bus, tCCD_S/L (RD→RD between stack IDs: tCCD_R), tRRD_S/L, four-ACT
//   window, turnaround; per bank tRCD, tRAS, tRP, tRC, tRTP, tWR. Times of a two-cycle ACT
//   count from its first cycle, so (as in Ramulator) ACT→RD/WR/PRE/REF get +(act_cmd_cycles−1)
//   and PRE/REF→ACT get −(act_cmd_cycles−1).
//
// Event-driven: the time jumps straight to the next cycle at which some command can issue. Each
// bank caches its candidates (active column, oldest row hit, ACT/PRE) with the bank's part of their
// ready time; per class, the best candidate is cached and merged incrementally, and a rescan of the
// banks' caches happens only when an issue invalidates it (verified against a full recomputation
// at every decision during development: identical command streams).
#include <cstdint>
#include <vector>

#include "models/dram/dram_spec.h"

namespace qasim::models::dram {

enum class PagePolicy { open, closed };
enum class RefreshPolicy { all_bank, none };

/// Controller parameters of every channel.
struct ControllerConfig {
    uint64_t read_queue_depth = 64;     ///< read bursts waiting per channel
    uint64_t write_queue_depth = 64;    ///< write bursts waiting per channel
    double write_high_watermark = 0.8;  ///< write queue fill (fraction) that starts write drain
    double write_low_watermark = 0.2;   ///< fill below which reads resume (when reads wait)
    uint64_t row_hit_cap =
        16;  ///< hits that may bypass an older conflicting request; 0: no hit priority
    PagePolicy page_policy = PagePolicy::open;
    RefreshPolicy refresh = RefreshPolicy::all_bank;
};

/// Command and row-buffer counters (one burst = one column access).
struct Counters {
    uint64_t acts = 0;           ///< ACT commands
    uint64_t precharges = 0;     ///< PRE, PREab and auto-precharges
    uint64_t refreshes = 0;      ///< REFab commands (one per pseudo-channel per tREFI)
    uint64_t read_bursts = 0;    ///< RD commands
    uint64_t write_bursts = 0;   ///< WR commands
    uint64_t row_hits = 0;       ///< bursts whose first command was their column command
    uint64_t row_misses = 0;     ///< bursts that found their bank closed (first command ACT)
    uint64_t row_conflicts = 0;  ///< bursts that found another row open (first command PRE)
};

/// Every counter equal.
inline bool operator==(const Counters& a, const Counters& b) {
    return a.acts == b.acts && a.precharges == b.precharges && a.refreshes == b.refreshes &&
           a.read_bursts == b.read_bursts && a.write_bursts == b.write_bursts &&
           a.row_hits == b.row_hits && a.row_misses == b.row_misses &&
           a.row_conflicts == b.row_conflicts;
}
inline bool operator!=(const Counters& a, const Counters& b) { return !(a == b); }

/// a − b, counter by counter (the increments of a run, a segment or a pass).
inline Counters operator-(const Counters& a, const Counters& b) {
    Counters d;
    d.acts = a.acts - b.acts;
    d.precharges = a.precharges - b.precharges;
    d.refreshes = a.refreshes - b.refreshes;
    d.read_bursts = a.read_bursts - b.read_bursts;
    d.write_bursts = a.write_bursts - b.write_bursts;
    d.row_hits = a.row_hits - b.row_hits;
    d.row_misses = a.row_misses - b.row_misses;
    d.row_conflicts = a.row_conflicts - b.row_conflicts;
    return d;
}

/// a += d × times, counter by counter.
inline void add_to(Counters& a, const Counters& d, uint64_t times = 1) {
    a.acts += d.acts * times;
    a.precharges += d.precharges * times;
    a.refreshes += d.refreshes * times;
    a.read_bursts += d.read_bursts * times;
    a.write_bursts += d.write_bursts * times;
    a.row_hits += d.row_hits * times;
    a.row_misses += d.row_misses * times;
    a.row_conflicts += d.row_conflicts * times;
}

/// A command as issued (for tests, debugging and waveforms: Channel::set_command_log).
struct CommandRecord {
    enum Kind : uint8_t { act, pre, pre_all, rd, wr, ref };
    int64_t cycle;
    Kind kind;
    uint32_t pc;
    uint32_t bank;  ///< flat bank in the channel (pre_all/ref: first bank of the pseudo-channel)
    uint32_t row;
    /// rd/wr under the closed-page policy: the cycle its automatic precharge closes the bank
    /// (RDA/WRA); -1 otherwise.
    int64_t auto_pre = -1;
};

/// The controller's queues after a change (waveforms: Channel::set_queue_log): bursts waiting in
/// the read and write queues (not yet activated, not active) and the read/write mode in force.
struct QueueRecord {
    int64_t cycle;
    uint32_t reads;
    uint32_t writes;
    bool write_mode;
};

/// A finished burst: its tag and the cycle its data transfer ends.
struct Completion {
    uint64_t tag;
    int64_t cycle;
    bool write;
};

class Channel;

/// `count` consecutive bursts of one DMA block to the same bank and row (key = bank << 32 | row).
struct BinRun {
    uint64_t key = 0;
    uint64_t count = 0;
    bool operator==(const BinRun& o) const { return key == o.key && count == o.count; }
};

/// Memo of per-channel runs of DMA blocks (Channel::run_bin), exact: a run that starts with empty
/// queues is a deterministic, time-shift-invariant function of the channel's normalized state and
/// its input (the argument is in channel.cpp, "Run memo"). One memo serves every
/// channel of a DramSystem (they have identical parameters). Bounded: it is cleared when it holds
/// max_entries() runs or max_words() key and state words; results never depend on what it holds.
class RunMemo {
public:
    /// Default capacity: 131,072 entries and 2^25 words (128 MB of keys and states, ~140 MB in all
    /// when full), in two generations of half each. Measured on LLaMA-2-70B prefill S=2048 on
    /// llm_npu (80 layers whose transfers repeat): 4,096 entries / 4 MB cleared the memo several
    /// times per layer, so every layer re-simulated its segments (~110 s); 65,536 / 2^24 kept
    /// most of them (64 s, later 44.6 s, peak RSS 88 MB); this capacity with generations keeps
    /// the entries every layer reuses (39.3 s, peak RSS 158 MB; 262,144 / 2^26 cleared all at
    /// once gave the same 39.3 s at 300 MB). Runs that never fill it allocate only what they
    /// store.
    static constexpr size_t kDefaultEntries = 131072;
    static constexpr size_t kDefaultWords = size_t(1) << 25;
    static constexpr size_t kMaxRuns = 1024;             // longer bins are not memoized
    static constexpr size_t kMaxRows = 64;               // bins with more distinct rows neither

    /// Segments of a long bin (Channel::feed), keyed by the channel's normalized state including
    /// its queued requests ("Segment memo", channel.cpp), at kLevels levels ("Segment levels"):
    /// a level-k segment holds whole runs, at least kLevelBursts[k] bursts and at most
    /// kLevelRuns[k] runs, ending no later than the segment of level k − 1 around it.
    static constexpr size_t kLevels = 2;
    static constexpr uint64_t kLevelBursts[kLevels] = {512, 128};
    static constexpr size_t kLevelRuns[kLevels] = {256, 64};

    uint64_t hits() const { return m_hits; }      ///< runs replayed from the memo
    uint64_t misses() const { return m_misses; }  ///< runs that consulted it but were simulated
    uint64_t stored() const { return m_stored; }  ///< runs and segments stored (construction on)
    /// Segments replayed (all levels).
    uint64_t segment_hits() const {
        uint64_t n = 0;
        for (const uint64_t h : m_level_hits) n += h;
        return n;
    }
    /// Segment lookups that did not replay (all levels).
    uint64_t segment_misses() const {
        uint64_t n = 0;
        for (const uint64_t h : m_level_misses) n += h;
        return n;
    }
    uint64_t refresh_segment_hits() const { return m_ref_hits; }  ///< refresh segments replayed
    uint64_t refresh_segment_misses() const { return m_ref_misses; }
    uint64_t level_hits(size_t k) const { return m_level_hits[k]; }
    uint64_t level_misses(size_t k) const { return m_level_misses[k]; }
    size_t size() const { return m_gen[0].entries.size() + m_gen[1].entries.size(); }  ///< held now
    void clear();                                     ///< forgets every run
    size_t max_entries() const { return m_max_entries; }
    size_t max_words() const { return m_max_words; }
    /// Sets the capacity (entries rounded up to a power of two, >= 4; half of it per generation)
    /// and forgets every run.
    void set_capacity(size_t entries, size_t words);

private:
    friend class Channel;
    struct Entry {
        int64_t done_rel = 0;  // latest completion − F
        int64_t last_rel = 0;  // last command − F
        Counters delta;
        uint32_t key_off = 0, key_len = 0;      // in m_pool
        uint32_t state_off = 0, state_len = 0;  // normalized final state (Channel::memo_final)
    };
    struct Slot {
        uint32_t entry = 0;  // index + 1; 0: empty
        uint32_t hash = 0;
    };
    size_t m_max_entries = kDefaultEntries;
    size_t m_max_words = kDefaultWords;
    static uint64_t hash(const uint32_t* k, size_t n);
    /// The entry stored under `key` (hash h), or nullptr. An entry found in the older generation
    /// is first copied into the current one (so the entries in use survive the next rotation).
    const Entry* find(uint64_t h, const std::vector<uint32_t>& key);
    /// Stores `e` under `key` with the final state `state` (rotates the generations when the
    /// current one is full).
    void insert(uint64_t h, const std::vector<uint32_t>& key, Entry e,
                const std::vector<uint32_t>& state);
    /// insert() without counting it as stored (find's promotions).
    void place(uint64_t h, const std::vector<uint32_t>& key, Entry e,
               const std::vector<uint32_t>& state);
    /// State of an entry returned by find() (always in the current generation).
    const uint32_t* state_of(const Entry& e) const { return m_gen[m_cur].pool.data() + e.state_off; }

    /// Two generations, each of half the capacity: entries are stored in the current one; when it
    /// is full the older one is dropped and the current one becomes the older one. A clear-all
    /// policy dropped the entries that every layer of a long run reuses; this keeps those used
    /// since the last rotation (LLaMA-2-70B prefill: bench/notes.md, session 4).
    struct Gen {
        std::vector<Entry> entries;
        std::vector<uint32_t> pool;  // keys and states of the entries
        std::vector<Slot> slots;     // 2 × entries (load <= 1/2)
        size_t mask = 0;             // slots.size() − 1
        const Entry* find(uint64_t h, const std::vector<uint32_t>& key) const;
    };
    Gen m_gen[2];
    size_t m_cur = 0;
    void reset_gen(Gen& g);
    std::vector<uint32_t> m_promote;  // scratch: state of an entry being promoted
    uint64_t m_hits = 0, m_misses = 0, m_stored = 0;
    std::vector<uint32_t> m_key;    // scratch: key of the current run
    std::vector<uint32_t> m_state;  // scratch: final state of the current run
    // Scratch of the current run: the bin's distinct rows, banks, groups and PCs by first
    // appearance, and the ids of flat banks, groups and PCs (−1 outside the bin).
    std::vector<uint32_t> m_rows, m_bank_list, m_group_list, m_pc_list;
    std::vector<int32_t> m_id;
    // Scratch of the current segment (Channel::feed): key, final state, rows, banks, groups and
    // PCs by first appearance, the channel's requests (slot indices) oldest first, ids.
    std::vector<uint32_t> m_skey, m_sstate, m_srows, m_sbanks, m_sgroups, m_spcs;
    std::vector<int32_t> m_sslots, m_sid, m_sbucket;
    std::vector<std::pair<uint64_t, int32_t>> m_sorder;
    std::vector<uint8_t> m_skeybank;  // scratch: 1 for the banks of the current segment key
    uint64_t m_ref_hits = 0, m_ref_misses = 0;  // refresh segments replayed / not found
    // Per level: segments replayed and lookups that did not replay; the key, rows, banks,
    // groups and PCs of the segment being stored (upper levels: kept here until its end point).
    uint64_t m_level_hits[kLevels] = {}, m_level_misses[kLevels] = {};
    std::vector<uint32_t> m_lkey[kLevels], m_lrows[kLevels], m_lbanks[kLevels],
        m_lgroups[kLevels], m_lpcs[kLevels];
    void swap_scratch(size_t k) {
        m_skey.swap(m_lkey[k]);
        m_srows.swap(m_lrows[k]);
        m_sbanks.swap(m_lbanks[k]);
        m_sgroups.swap(m_lgroups[k]);
        m_spcs.swap(m_lpcs[k]);
    }
};

class Channel {
public:
    static constexpr int64_t kNever = INT64_MAX / 4;

    Channel(const Spec& spec, const ControllerConfig& ctrl, Counters* counters,
            std::vector<Completion>* sink);

    /// True if a burst of this kind can be queued now.
    bool has_room(bool write) const { return m_queued[write ? 1 : 0] < m_depth[write ? 1 : 0]; }
    /// Queues a burst that arrived at cycle `arrive` (its first command can issue at arrive + 1).
    /// The caller must have advanced the channel through `arrive` (advance_through) first.
    void enqueue(uint32_t bank, uint32_t row, bool write, int64_t arrive, uint64_t tag);
    /// Issues every command whose cycle is <= t (and processes refresh deadlines <= t).
    void advance_through(int64_t t);
    /// Issues the next command (refresh deadlines before it are processed first); returns its
    /// cycle, or -1 when no request is queued or active and no refresh is pending.
    int64_t step();
    /// Cycle of the next command without issuing it (kNever if idle).
    int64_t peek();
    /// No request queued or active.
    bool idle() const { return m_requests == 0; }
    /// Steps until idle; returns the cycle of the last command (or -1).
    int64_t drain();
    /// One DMA block's bursts for this channel (`runs` runs, in order): advances through t0,
    /// queues the bursts arriving at t0 as fast as the queue accepts them, drains, and returns
    /// the latest completion cycle. With `memo` (and recording and the logs off), a run
    /// from an equivalent state is replayed instead of simulated (exact).
    int64_t run_bin(const BinRun* bin, size_t runs, bool write, int64_t t0, RunMemo* memo);
    /// Queues a bin's bursts arriving at `arrive` as fast as the queue accepts them (back-pressure:
    /// `arrive` becomes the cycle of the command that made room), without draining. With `memo`
    /// (and recording and the logs off), segments of the bin seen before from an
    /// equivalent state are replayed (exact).
    /// With `drain_after` (run_bin: the caller drains next) the bin's last segment and the drain
    /// after it form one memoized "tail" (drained state at its end); feed then returns drained.
    void feed(const BinRun* bin, size_t runs, bool write, int64_t& arrive, RunMemo* memo,
              bool drain_after = false);
    /// Latest completion cycle of a burst since the last reset.
    int64_t max_completion() const { return m_max_done; }
    void reset_max_completion() { m_max_done = -1; }
    /// When false, completions only update max_completion() (no per-burst records).
    void set_record(bool r) { m_record = r; }
    /// Banks with an open row (all pseudo-channels of this channel).
    uint32_t open_rows() const {
        uint32_t n = 0;
        for (const Pc& p : m_pcs) n += p.open_banks;
        return n;
    }
    /// Appends every issued command to `log` (nullptr: off).
    void set_command_log(std::vector<CommandRecord>* log) { m_log = log; }
    /// Appends the queues' state at every cycle where it changed (nullptr: off).
    void set_queue_log(std::vector<QueueRecord>* log) { m_qlog = log; }
    /// Where the channel counts its commands (DramSystem::count_channels_apart).
    void set_counters(Counters* counters) { m_counters = counters; }

private:
    enum Kind : uint8_t { kNone, kRd, kWr, kAct, kPre, kPreAb, kRef };
    static constexpr uint32_t kClosed = UINT32_MAX;

    struct Slot {
        uint64_t seq = 0;  // age: lower = older
        uint64_t tag = 0;
        int64_t earliest = 0;  // arrive + 1
        uint32_t row = 0;
        uint32_t bank = 0;
        int32_t prev = -1, next = -1;
        bool write = false;
        bool counted = false;  // row hit/miss/conflict recorded
    };
    struct Bank {
        uint32_t open_row = kClosed;
        int64_t act_ok = 0, pre_ok = 0, rd_ok = 0, wr_ok = 0;
        int32_t head[2] = {-1, -1}, tail[2] = {-1, -1};  // queued (not active) slots, oldest first
        uint32_t count[2] = {0, 0};                      // queued slots per kind
        uint32_t hits[2] = {0, 0};                       // of which target open_row
        int32_t active = -1;
        uint32_t bypassed = 0;           // hits served ahead of the oldest conflicting request
        uint64_t conf_seq = UINT64_MAX;  // age of that request (current mode)
        uint32_t group = 0;              // index in m_groups
        uint32_t pc = 0;
    };
    /// Cached candidates of one bank (recomputed when the bank changes). *_local is the bank's own
    /// part of the ready time (bank timing, arrival); the group/PC part (m_gpart[*_gi]) and the
    /// bus/floor part are added when candidates are compared. *_key is the candidate's age and bank
    /// as one number, age << m_key_shift | bank (Channel::rescan); a missing candidate has local
    /// kNoLocal and key kNoKey (refresh_bank compares old and new). One cache line per bank.
    static constexpr int64_t kNoLocal = INT64_MAX;
    static constexpr uint64_t kNoKey = UINT64_MAX;
    struct BankCand {
        int64_t a_local = kNoLocal, h_local = kNoLocal, r_local = kNoLocal;
        uint64_t a_key = kNoKey, h_key = kNoKey, r_key = kNoKey;
        int32_t h_slot = -1, r_slot = -1;
        // Indices into m_gpart: column part of the active request's kind / of the current mode's
        // hits, ACT part of the bank's group (PRE: the dummy group's, always 0).
        uint16_t a_gi = 0, h_gi = 0, r_gi = 0;
        uint8_t a_write = 0;
        Kind r_kind = kNone;
    };
    /// Layout of m_gpart: per group (and one dummy all-zero group for PRE candidates) the
    /// group + pseudo-channel part of the ready time of a RD, of a WR and of an ACT.
    enum GPartSlot : uint32_t { kGRd = 0, kGWr = 1, kGAct = 2, kGParts = 3 };
    struct Group {
        int64_t rd_ok = 0, wr_ok = 0, act_ok = 0;
    };
    struct Pc {
        int64_t rd_ok = 0, wr_ok = 0, act_ok = 0;
        int64_t faw[4] = {-kNever, -kNever, -kNever, -kNever};
        uint32_t faw_i = 0;
        int64_t ref_ok = 0;       // earliest REFab
        int64_t preab_ok = 0;     // earliest PREab
        int64_t act_block = 0;    // REFab → ACT
        int64_t preab_block = 0;  // REFab → PREab
        int64_t ref_x = 0;        // shadows of ref_ok / preab_ok (raised alike, never read by
        int64_t preab_x = 0;      // the controller): what a run raised them to (RunMemo)
        int64_t ref_y[RunMemo::kLevels] = {};    // the same for a segment of each level
        int64_t preab_y[RunMemo::kLevels] = {};  // (Channel::feed)
        int64_t preab_at = -kNever;  // cycle of the last PREab (refresh segments, Channel::feed)
        uint32_t open_banks = 0;
        uint32_t active = 0;
        uint32_t first_bank = 0;
    };
    /// A command chosen for issue.
    struct Cand {
        int64_t time = kNever;
        uint64_t seq = UINT64_MAX;
        int32_t slot = -1;
        uint32_t bank = 0;
        uint32_t pc = 0;
        Kind kind = kNone;
    };
    /// Running minimum of (time, age) with branch-free updates (the hot loop of the model).
    struct Min {
        int64_t t = kNever;
        uint64_t seq = UINT64_MAX;
        uint32_t bank = UINT32_MAX;
        void take(int64_t t2, uint64_t s2, uint32_t b2) {
            const bool better = (t2 < t) | ((t2 == t) & (s2 < seq));
            t = better ? t2 : t;
            seq = better ? s2 : seq;
            bank = better ? b2 : bank;
        }
        bool empty() const { return bank == UINT32_MAX; }
    };
    /// Candidate classes: column command of an active request, column command of a row hit, row
    /// command (ACT/PRE).
    enum Cls { kActCol = 0, kHitCol = 1, kRowCmd = 2 };
    /// Per class, the best candidate for a floor F (the bus/slot bound shared by the channel) from
    /// the candidates' intrinsic ready times r (bank + group + pseudo-channel parts): the oldest
    /// with r <= F ("ready"), else the minimum (r, age) ("next"). It stays valid while the class's
    /// candidates do not change (additions are merged, removing a non-best one changes nothing)
    /// and the floor does not pass its answer.
    /// `next` is read only when no candidate is ready (a rescan that finds a ready one leaves it
    /// empty; additions may still fill it, removals of its bank invalidate the cache: harmless).
    struct ClassCache {
        bool ok = false;
        int64_t f_at = 0;
        Min ready, next;
    };

    int64_t floor_of(int cls) const {
        return cls == kRowCmd ? max_i64(m_row_bus, m_row_floor) : m_col_floor;
    }
    static int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }
    void rescan(int cls, int64_t f);
    /// Merges bank bi's candidate (intrinsic ready time r, age seq) into a valid cache.
    static void cache_merge(ClassCache& cc, uint32_t bi, int64_t r, uint64_t seq);
    /// Recomputes bank bi's candidates; returns the classes (bit 1 << cls) whose candidate changed.
    uint32_t refresh_bank(uint32_t bi);
    /// refresh_bank + keep the caches of this bank's classes consistent.
    void update_bank(uint32_t bi);
    void refresh_all_banks();
    void invalidate_all();
    void eval_refresh(Cand& out) const;
    void ensure_bests();
    /// `out` = the best candidate of class `cls` at floor f (time, age and bank; time kNever if
    /// there is none), rescanning a stale cache.
    void class_best(int cls, int64_t f, Cand& out);
    /// m_best_row from the row class (or the pending refresh when `rp`).
    void set_row_best(bool rp);
    const Cand& choose() const;
    Cand& choose() { return const_cast<Cand&>(static_cast<const Channel*>(this)->choose()); }
    /// Issues d, one of m_best_act, m_best_hit, m_best_row.
    void issue(const Cand& d);
    void log_command(const Cand& d);
    void trigger_refresh();
    int64_t step_until(int64_t limit);
    bool next_write_mode() const;
    bool ref_pending() const { return m_ref_head < m_ref_fifo.size(); }
    void unlink(int32_t s);
    void recount_hits(Bank& b);
    void close_bank(Bank& b, int64_t pre_time, bool auto_pre);
    void release(int32_t s);
    void update_pending(uint32_t bank);
    void update_gparts(uint32_t pc, bool col, bool act);
    uint32_t g_first_bank(uint32_t group) const {
        return group * static_cast<uint32_t>(m_banks.size() / m_groups.size());
    }
    bool memo_key(RunMemo& memo, const BinRun* bin, size_t runs, bool write, int64_t f) const;
    /// One bank's words in a key or final state (channel.cpp, bank_words).
    struct BankWords {
        uint32_t cls = 1, byp = 0;
        uint32_t t[4] = {0, 0, 0, 0};
        bool quiet = false;
    };
    template <class Rel>
    BankWords bank_words(const Bank& b, const std::vector<uint32_t>& rows, Rel& rel) const;
    /// The banks' and groups' part of a final state (run or segment) and its inverse (channel.cpp).
    template <class Rel>
    void encode_state_banks_groups(std::vector<uint32_t>& out, const std::vector<uint32_t>& banks,
                                   const std::vector<uint32_t>& groups,
                                   const std::vector<uint32_t>& rows, Rel& rel) const;
    const uint32_t* decode_state_banks_groups(const uint32_t* s, const std::vector<uint32_t>& banks,
                                              const std::vector<uint32_t>& groups,
                                              const std::vector<uint32_t>& rows, int64_t base);
    /// The banks' and groups' part of a run or segment key (channel.cpp); returns the end.
    template <class Rel>
    uint32_t* encode_banks_groups(uint32_t* k, const std::vector<uint32_t>& banks,
                                  const std::vector<uint32_t>& groups,
                                  const std::vector<uint32_t>& rows,
                                  const std::vector<int32_t>& id, Rel& rel) const;
    /// Appends the banks', groups' and PCs' part of a run or segment key (encode_banks_groups,
    /// then per PC its timers, FAW ring (rel_faw), act_block and per-SID RD timers).
    template <class Rel, class RelFaw>
    void append_key_state(std::vector<uint32_t>& key, const std::vector<uint32_t>& banks,
                          const std::vector<uint32_t>& groups, const std::vector<uint32_t>& pcs,
                          const std::vector<uint32_t>& rows, const std::vector<int32_t>& id,
                          Rel& rel, RelFaw& rel_faw) const;
    bool memo_final(const RunMemo& memo, int64_t f, std::vector<uint32_t>& out) const;
    void memo_apply(const RunMemo& memo, const RunMemo::Entry& e, int64_t f, uint64_t n);
    void raise_ref(Pc& p, int64_t x) {
        p.ref_ok = max_i64(p.ref_ok, x);
        p.ref_x = max_i64(p.ref_x, x);
        for (int64_t& y : p.ref_y) y = max_i64(y, x);
    }
    void raise_preab(Pc& p, int64_t x) {
        p.preab_ok = max_i64(p.preab_ok, x);
        p.preab_x = max_i64(p.preab_x, x);
        for (int64_t& y : p.preab_y) y = max_i64(y, x);
    }
    bool seg_key(RunMemo& memo, const BinRun* bin, size_t r0, size_t r1, bool write, int64_t f,
                 bool tail = false);
    bool seg_final(RunMemo& memo, int64_t f, int64_t f2, uint64_t seq0, size_t level,
                   std::vector<uint32_t>& out);
    void seg_apply(RunMemo& memo, const RunMemo::Entry& e, int64_t f, uint64_t seq0,
                   uint64_t n, const uint32_t** ext = nullptr);
    // Refresh segments ("Refresh segments", channel.cpp): the key, final-state and replay parts
    // that a segment with a refresh deadline inside adds to those of a plain segment.
    bool ref_key(RunMemo& memo, int64_t f);
    bool ref_final(RunMemo& memo, int64_t f, int64_t f2, std::vector<uint32_t>& out);
    void ref_apply(RunMemo& memo, const uint32_t* s, int64_t f, int64_t f2);
    void mark_key_banks(RunMemo& memo, bool on);

    // Parameters (cycles).
    int64_t m_cl, m_cwl, m_rcd_rd, m_rcd_wr, m_rp, m_ras, m_rc, m_wr, m_rtp, m_ccd_s, m_ccd_l,
        m_rrd_s, m_rrd_l, m_faw, m_wtr_s, m_wtr_l, m_rtw, m_rfc, m_refi, m_act_cycles, m_adj, m_bl;
    uint64_t m_depth[2];
    uint64_t m_high_count;  // write drain starts above this many queued writes
    uint64_t m_low_count;   // and stops below this many
    uint64_t m_cap;
    bool m_closed_page;
    bool m_refresh_on;

    std::vector<Slot> m_slots;
    std::vector<int32_t> m_free;
    std::vector<Bank> m_banks;
    std::vector<BankCand> m_cand;
    std::vector<int64_t> m_gpart;  // per group (+ a dummy one) kGParts values (GPartSlot)
    std::vector<Group> m_groups;
    std::vector<Pc> m_pcs;
    std::vector<uint64_t> m_pending;  // bit per bank: requests queued or active
    std::vector<uint64_t> m_act_mask, m_hit_mask, m_row_mask;  // banks with such a cached candidate
    bool m_cand_mode = false;  // read/write mode of the cached bank candidates
    bool m_cand_rp = false;    // refresh-pending state of the cached bank candidates
    uint64_t m_queued[2] = {0, 0};
    uint64_t m_requests = 0;
    uint64_t m_seq = 0;
    bool m_write_mode = false;

    int64_t m_row_bus = 0;    // row command bus free from
    int64_t m_col_floor = 0;  // next cycle the column slot may be used
    int64_t m_row_floor = 0;  // next cycle the row slot may be used
    int64_t m_next_ref;
    std::vector<uint32_t> m_ref_fifo;  // pseudo-channels waiting for REFab, front first
    size_t m_ref_head = 0;
    int64_t m_max_done = -1;
    int64_t m_last_cmd = -1;  // cycle of the last command issued
    uint32_t m_groups_per_pc = 1;  // m_groups.size() / m_pcs.size()
    // Stack IDs: groups are numbered (pc · sids + sid) · bank_groups + bg. With m_sid_r (sids > 1
    // and tCCD_R above the pseudo-channel's RD→RD bound max(BL, tCCD_S)), a RD at t raises
    // m_sid_rd[pc · sids + s] of the pseudo-channel's other SIDs s to t + tCCD_R (Ramulator's
    // sibling constraint at its Sid level); update_gparts folds it into the groups' RD part.
    uint32_t m_sids = 1, m_bgs = 1;
    int64_t m_ccd_r = 0;
    bool m_sid_r = false;
    std::vector<int64_t> m_sid_rd;
    uint32_t sid_of(uint32_t group) const { return (group / m_bgs) % m_sids; }
    uint32_t m_key_shift = 0;  // bits of a flat bank index in a rescan key (age << shift | bank)
    /// One candidate cache per class for the whole channel. Caches per pseudo-channel survive
    /// commands in the other ones, but measured one cache per channel is faster: rescans are as
    /// frequent and the combine step is cheaper (bench_hbm, HBM2 and HBM3 random; memtest random
    /// HBM2 with per-PC caches and ACT, PRE as separate classes whose answers hold for a range of
    /// floors: 0.64 s against 0.42 s).
    ClassCache m_cache[3];
    Cand m_best_act, m_best_hit, m_best_row;   // per class (issue() tells them by address)
    bool m_bests_ok = false;
    bool m_row_stale = false;   // with m_bests_ok: m_best_row must be recomputed (enqueue)
    bool m_bests_mode = false;  // read/write mode the bests were chosen under
    bool m_record = true;

    std::vector<CommandRecord>* m_log = nullptr;
    std::vector<QueueRecord>* m_qlog = nullptr;
    void log_queue(int64_t cycle);
    Counters* m_counters;
    std::vector<Completion>* m_sink;
};

}  // namespace qasim::models::dram

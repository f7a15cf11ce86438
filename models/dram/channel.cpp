#include "models/dram/channel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace qasim::models::dram {
namespace {

inline int64_t max2(int64_t a, int64_t b) { return a > b ? a : b; }
inline int64_t max3(int64_t a, int64_t b, int64_t c) { return max2(max2(a, b), c); }

/// A timer as a key or state word: its offset past `base`, 0 when it is not past it (a timer
/// already expired is equivalent to any other expired one); the largest offset goes into `*worst`
/// (words hold 32 bits: the callers check `worst`).
struct RelTo {
    int64_t base;
    int64_t* worst;
    uint32_t operator()(int64_t x) const {
        const int64_t d = x > base ? x - base : 0;
        *worst = d > *worst ? d : *worst;
        return static_cast<uint32_t>(d);
    }
};

/// One class's rescan (Channel::rescan) without data-dependent branches. Whether a candidate is
/// ready (r <= f) is close to a coin flip in random traffic, and the branches of
/// `if (r <= f) ready.take(..) else next.take(..)` (and of Min::take, which the compiler turns back
/// into branches) cost ~17 cycles per candidate (perf, HBM2 random: one rescan of ~11 candidates per
/// command, 40 % of the model's time). Here each candidate is one key, age << shift | bank (within
/// a class every candidate is a different request, so ages are unique and ordering keys orders
/// ages; Channel::enqueue keeps ages below 2^(64 − shift)), and the minima are plain unsigned /
/// 128-bit minima the compiler emits as conditional moves (memtest random: 0.70 → 0.55 s):
/// - ready: the least key of the candidates with r <= f; a candidate that is not ready enters as
///   UINT64_MAX, above every real key — exactly Min::take's chain, where every ready candidate
///   enters with the same time f and the least age wins;
/// - next: the least (r, key), compared as one 128-bit number r·2^64 + key (r is a cycle count,
///   |r| < 2^62, key < 2^64: lexicographic order, as Min::take), over all candidates: it is used
///   only when no candidate is ready, and then every candidate is "not ready" (with a ready one the
///   cache's next is never read, ClassCache, and it is left empty).
struct ScanMin {
    using U128 = unsigned __int128;
    static constexpr uint64_t kSign = uint64_t(1) << 63;
    // (t, key) as t·2^64 + key with t offset by 2^63 (order-preserving, unsigned): a register pair
    // (a signed pack cost ~6 extra instructions per candidate).
    static U128 pack(int64_t t, uint64_t key) {
        return static_cast<U128>(static_cast<uint64_t>(t) ^ kSign) << 64 | key;
    }
    uint64_t ready = UINT64_MAX;
    U128 next = pack(INT64_MAX, UINT64_MAX);  // empty (above every real (r, key))
    void take_ready(int64_t r, uint64_t key, int64_t f) {
        // All ones when r > f, else zero: the sign of f − r (|r|, |f| < 2^62: no overflow).
        const uint64_t not_ready = static_cast<uint64_t>((f - r) >> 63);
        const uint64_t rk = key | not_ready;
        ready = rk < ready ? rk : ready;
    }
    void take_next(int64_t r, uint64_t key) {
        const U128 v = pack(r, key);
        next = v < next ? v : next;
    }
    int64_t next_t() const {
        return static_cast<int64_t>(static_cast<uint64_t>(next >> 64) ^ kSign);
    }
    uint64_t next_key() const { return static_cast<uint64_t>(next); }
};

}  // namespace

Channel::Channel(const Spec& spec, const ControllerConfig& ctrl, Counters* counters,
                 std::vector<Completion>* sink)
    : m_counters(counters), m_sink(sink) {
    const Timing& t = spec.timing;
    const Organization& o = spec.org;
    m_cl = static_cast<int64_t>(t.cl);
    m_cwl = static_cast<int64_t>(t.cwl);
    m_rcd_rd = static_cast<int64_t>(t.rcd_rd);
    m_rcd_wr = static_cast<int64_t>(t.rcd_wr);
    m_rp = static_cast<int64_t>(t.rp);
    m_ras = static_cast<int64_t>(t.ras);
    m_rc = static_cast<int64_t>(t.rc);
    m_wr = static_cast<int64_t>(t.wr);
    m_rtp = static_cast<int64_t>(t.rtp);
    m_ccd_s = static_cast<int64_t>(t.ccd_s);
    m_ccd_l = static_cast<int64_t>(t.ccd_l);
    m_rrd_s = static_cast<int64_t>(t.rrd_s);
    m_rrd_l = static_cast<int64_t>(t.rrd_l);
    m_faw = static_cast<int64_t>(t.faw);
    m_wtr_s = static_cast<int64_t>(t.wtr_s);
    m_wtr_l = static_cast<int64_t>(t.wtr_l);
    m_rtw = static_cast<int64_t>(t.rtw);
    m_rfc = static_cast<int64_t>(t.rfc);
    m_refi = static_cast<int64_t>(t.refi);
    m_act_cycles = static_cast<int64_t>(t.act_cmd_cycles);
    m_adj = m_act_cycles - 1;
    m_bl = static_cast<int64_t>(burst_cycles(spec));
    if (m_bl <= 0 || m_refi <= 0 || m_act_cycles <= 0)
        throw std::invalid_argument("DRAM channel: inconsistent spec (run check_spec first)");
    m_depth[0] = ctrl.read_queue_depth;
    m_depth[1] = ctrl.write_queue_depth;
    if (m_depth[0] == 0 || m_depth[1] == 0)
        throw std::invalid_argument("DRAM channel: queue depths must be >= 1");
    // Ramulator compares the queue size with watermark × depth: size > 51.2 ⟺ size > 51,
    // size < 12.8 ⟺ size < 13.
    m_high_count = static_cast<uint64_t>(
        std::floor(ctrl.write_high_watermark * static_cast<double>(m_depth[1])));
    m_low_count = static_cast<uint64_t>(
        std::ceil(ctrl.write_low_watermark * static_cast<double>(m_depth[1])));
    m_cap = ctrl.row_hit_cap;
    m_closed_page = ctrl.page_policy == PagePolicy::closed;
    m_refresh_on = ctrl.refresh == RefreshPolicy::all_bank;
    m_next_ref = m_refi;

    const uint32_t pcs = static_cast<uint32_t>(o.pseudo_channels);
    const uint32_t per_pc = static_cast<uint32_t>(o.banks_per_pc());
    const uint32_t per_group = static_cast<uint32_t>(o.banks_per_group);
    const uint32_t banks = pcs * per_pc;
    m_banks.resize(banks);
    m_groups.resize(banks / per_group);
    m_pcs.resize(pcs);
    for (uint32_t b = 0; b < banks; ++b) {
        m_banks[b].pc = b / per_pc;
        m_banks[b].group = b / per_group;
    }
    for (uint32_t p = 0; p < pcs; ++p) m_pcs[p].first_bank = p * per_pc;
    m_cand.resize(banks);
    // At least one bit, so that the age bound 2^(64 − shift) in enqueue is a defined shift.
    m_key_shift = 1;
    while ((uint64_t(1) << m_key_shift) < banks) ++m_key_shift;
    // BankCand holds m_gpart indices in 16 bits.
    if ((m_groups.size() + 1) * kGParts > 65536)
        throw std::invalid_argument("DRAM channel: more than 21,845 bank groups");
    m_gpart.assign((m_groups.size() + 1) * kGParts, 0);
    m_groups_per_pc = static_cast<uint32_t>(m_groups.size() / m_pcs.size());
    m_sids = static_cast<uint32_t>(o.sids);
    m_bgs = static_cast<uint32_t>(o.bank_groups);
    if (m_sids == 0 || m_bgs == 0 || m_groups_per_pc != m_sids * m_bgs)
        throw std::invalid_argument("DRAM channel: inconsistent organisation (run check_spec)");
    m_ccd_r = max2(static_cast<int64_t>(t.ccd_r), m_ccd_s);
    m_sid_r = m_sids > 1 && m_ccd_r > max2(m_bl, m_ccd_s);
    m_sid_rd.assign(size_t(pcs) * m_sids, 0);
    for (uint32_t p = 0; p < pcs; ++p) update_gparts(p, true, true);
    m_pending.assign((banks + 63) / 64, 0);
    m_act_mask = m_hit_mask = m_row_mask = m_pending;
    const size_t slots = m_depth[0] + m_depth[1] + banks;
    m_slots.resize(slots);
    m_free.reserve(slots);
    for (size_t i = slots; i-- > 0;) m_free.push_back(static_cast<int32_t>(i));
    m_ref_fifo.reserve(64);
}

void Channel::enqueue(uint32_t bank, uint32_t row, bool write, int64_t arrive, uint64_t tag) {
    if (m_free.empty() || !has_room(write))
        throw std::logic_error("DRAM channel: enqueue into a full queue");
    // Scan keys hold age << m_key_shift | bank (ScanMin): ages must stay below 2^(64 − shift), i.e.
    // over 2^48 bursts per channel even with 2^16 banks (years of simulation at 10^7 bursts/s).
    if ((m_seq + 1) >> (64 - m_key_shift) != 0)
        throw std::logic_error("DRAM channel: burst age counter overflow");
    const int32_t s = m_free.back();
    m_free.pop_back();
    Slot& sl = m_slots[s];
    sl.seq = m_seq++;
    sl.tag = tag;
    sl.earliest = arrive + 1;
    sl.row = row;
    sl.bank = bank;
    sl.write = write;
    sl.counted = false;
    const int k = write ? 1 : 0;
    Bank& b = m_banks[bank];
    // Whether the new burst leaves the bank's candidates (refresh_bank) as they are; see below.
    const bool same_cands =
        ((m_pending[bank >> 6] >> (bank & 63)) & 1) != 0 &&
        (write != m_cand_mode || m_cand_rp ||
         (b.count[k] > 0 && (b.open_row == kClosed ||
                             (row == b.open_row ? b.hits[k] > 0 : b.count[k] > b.hits[k]))));
    sl.prev = b.tail[k];
    sl.next = -1;
    if (b.tail[k] >= 0)
        m_slots[b.tail[k]].next = s;
    else
        b.head[k] = s;
    b.tail[k] = s;
    ++b.count[k];
    if (b.open_row == row) ++b.hits[k];
    ++m_queued[k];
    ++m_requests;
    if (m_qlog) log_queue(arrive);
    m_pending[bank >> 6] |= 1ull << (bank & 63);
    // Everything up to `arrive` has issued (precondition), so nothing may issue before arrive + 1.
    const bool col_floor_same = arrive + 1 <= m_col_floor;
    const bool row_floor_same = arrive + 1 <= m_row_floor;
    m_col_floor = max2(m_col_floor, arrive + 1);
    m_row_floor = max2(m_row_floor, arrive + 1);
    // The new burst can only change the candidates of its own bank, and often it does not
    // (stream: 97 % of enqueues): a pending bank's candidates are current (every change of a bank
    // with requests runs refresh_bank, or this argument), and refresh_bank reads only the queue of
    // the cached mode (m_cand_mode), the active request and the bank's timers; so nothing changes
    // - when the burst is of the other kind, or a refresh is pending (no queued request is a
    //   candidate);
    // - when the bank is closed and already had a queued request of this kind (the ACT candidate
    //   is the head's, older than the new tail);
    // - when the new burst is a hit and an older hit was queued (the oldest hit stays, `hits`
    //   stays > 0 and `conflict` is unchanged, so neither the cap nor the PRE condition moves);
    // - when it targets another row and an older request to another row was queued (the oldest
    //   conflicting request and its age stay, `hits` and `conflict` are unchanged).
    // A bank without requests always runs refresh_bank (RunMemo replays rely on that).
    if (!same_cands) update_bank(bank);
    // The chosen commands stay as they are when the candidates, the caches, the column floor, the
    // refresh state (enqueue does not change it) and the read/write mode did not change: the
    // column bests depend on nothing else, and the row best only on the row floor in addition
    // (its class cache or eval_refresh), so a raised row floor recomputes the row best alone
    // (stream: ~60 % of enqueues raise it, ~3 % the column floor).
    if (m_bests_ok && same_cands && col_floor_same &&
        (ref_pending() ? m_write_mode : next_write_mode()) == m_bests_mode) {
        if (!row_floor_same) m_row_stale = true;
        return;
    }
    m_bests_ok = false;
}

void Channel::unlink(int32_t s) {
    Slot& sl = m_slots[s];
    Bank& b = m_banks[sl.bank];
    const int k = sl.write ? 1 : 0;
    if (sl.prev >= 0)
        m_slots[sl.prev].next = sl.next;
    else
        b.head[k] = sl.next;
    if (sl.next >= 0)
        m_slots[sl.next].prev = sl.prev;
    else
        b.tail[k] = sl.prev;
    sl.prev = sl.next = -1;
    --b.count[k];
    if (b.open_row == sl.row) --b.hits[k];
    --m_queued[k];
}

void Channel::release(int32_t s) {
    m_free.push_back(s);
    --m_requests;
}

void Channel::update_pending(uint32_t bank) {
    const Bank& b = m_banks[bank];
    const uint64_t bit = 1ull << (bank & 63);
    if (b.active >= 0 || b.count[0] + b.count[1] > 0)
        m_pending[bank >> 6] |= bit;
    else
        m_pending[bank >> 6] &= ~bit;
}

void Channel::recount_hits(Bank& b) {
    for (int k = 0; k < 2; ++k) {
        uint32_t h = 0;
        for (int32_t i = b.head[k]; i >= 0; i = m_slots[i].next) h += m_slots[i].row == b.open_row;
        b.hits[k] = h;
    }
}

void Channel::close_bank(Bank& b, int64_t pre_time, bool count_it) {
    b.open_row = kClosed;
    b.hits[0] = b.hits[1] = 0;
    b.bypassed = 0;
    b.act_ok = max2(b.act_ok, pre_time + m_rp - m_adj);
    Pc& p = m_pcs[b.pc];
    --p.open_banks;
    raise_ref(p, pre_time + m_rp);
    if (count_it) ++m_counters->precharges;
}

bool Channel::next_write_mode() const {
    // Ramulator ControllerBase::set_write_mode: enter write drain above the high watermark or when
    // no read waits; leave it below the low watermark when reads wait.
    if (!m_write_mode) return m_queued[1] > m_high_count || m_queued[0] == 0;
    return !(m_queued[1] < m_low_count && m_queued[0] != 0);
}

void Channel::update_gparts(uint32_t pc, bool col, bool act) {
    const Pc& p = m_pcs[pc];
    const int64_t act_pc = max3(p.act_ok, p.faw[p.faw_i] + m_faw, p.act_block);
    const uint32_t n = m_groups_per_pc;  // precomputed: no division per command
    for (uint32_t g = pc * n; g < (pc + 1) * n; ++g) {
        const Group& gr = m_groups[g];
        int64_t* gp = &m_gpart[g * kGParts];
        if (col) {
            gp[kGRd] = max2(gr.rd_ok, p.rd_ok);
            if (m_sid_r) gp[kGRd] = max2(gp[kGRd], m_sid_rd[size_t(pc) * m_sids + sid_of(g)]);
            gp[kGWr] = max2(gr.wr_ok, p.wr_ok);
        }
        if (act) gp[kGAct] = max2(gr.act_ok, act_pc);
    }
}

uint32_t Channel::refresh_bank(uint32_t bi) {
    Bank& b = m_banks[bi];
    BankCand& c = m_cand[bi];
    const uint64_t bit = 1ull << (bi & 63);
    const size_t w = bi >> 6;
    const uint32_t sh = m_key_shift;
    // Each class's new candidate: local, key and m_gpart index (a missing one: kNoLocal and
    // kNoKey, index unchanged); `changed` gets the classes where it differs from the cached one
    // (the key is unique per request, UINT64_MAX only when missing).
    uint32_t changed = 0;
    auto set = [&](int cls, std::vector<uint64_t>& mask, int64_t& local, uint64_t& key,
                   uint16_t& gi, int64_t nl, uint64_t nk, uint16_t ng) {
        changed |= static_cast<uint32_t>((local != nl) | (key != nk) | (gi != ng)) << cls;
        local = nl;
        key = nk;
        gi = ng;
        mask[w] = (mask[w] & ~bit) | (nk != kNoKey ? bit : 0);
    };
    // Active request: its column command.
    if (b.active >= 0) {
        const Slot& s = m_slots[b.active];
        c.a_write = s.write ? 1 : 0;
        set(kActCol, m_act_mask, c.a_local, c.a_key, c.a_gi,
            max2(s.write ? b.wr_ok : b.rd_ok, s.earliest), s.seq << sh | bi,
            static_cast<uint16_t>(b.group * kGParts + (s.write ? kGWr : kGRd)));
    } else {
        set(kActCol, m_act_mask, c.a_local, c.a_key, c.a_gi, kNoLocal, kNoKey, c.a_gi);
    }
    const bool mode = m_cand_mode;
    const int k = mode ? 1 : 0;
    // While a refresh is pending no queued request starts.
    if (m_cand_rp || b.count[k] == 0) {
        b.conf_seq = UINT64_MAX;
        set(kHitCol, m_hit_mask, c.h_local, c.h_key, c.h_gi, kNoLocal, kNoKey, c.h_gi);
        set(kRowCmd, m_row_mask, c.r_local, c.r_key, c.r_gi, kNoLocal, kNoKey, c.r_gi);
        c.r_kind = kNone;
        c.r_slot = -1;
        return changed;
    }
    // Oldest row hit and oldest request to another row, of the current mode.
    const bool open = b.open_row != kClosed;
    const uint32_t hits = open ? b.hits[k] : 0;
    const bool conflict = open && b.count[k] > hits;
    int32_t hit = -1, conf = -1;
    for (int32_t i = b.head[k]; i >= 0 && ((hits && hit < 0) || (conflict && conf < 0));
         i = m_slots[i].next) {
        if (m_slots[i].row == b.open_row) {
            if (hit < 0) hit = i;
        } else if (conf < 0) {
            conf = i;
        }
    }
    b.conf_seq = conf >= 0 ? m_slots[conf].seq : UINT64_MAX;
    // Row hits first, with a cap: once row_hit_cap hits have bypassed the oldest request to
    // another row, hits younger than it wait and its PRE goes ahead (row_hit_cap = 0: no hit
    // priority at all, Ramulator's FR-FCFS).
    const bool capped = m_cap != 0 && conflict && b.bypassed >= m_cap;
    // A hit of the active request's kind is never chosen while that request waits, so it is left
    // out of the hit class until the active request's column command issues (issue() refreshes
    // the bank then). Both have the same bank timer and group/PC part, and their `earliest` is at
    // most the column floor (enqueue raises it), so the hit is ready only when the active request
    // is, and otherwise has the same ready time; choose() takes an active request first in both
    // cases. Fewer candidates per rescan (memtest random, HBM2: 6.4 → 2.1; −6 % instructions).
    const bool shadowed = b.active >= 0 && m_slots[b.active].write == mode;
    if (hit >= 0 && !shadowed && !(capped && m_slots[hit].seq > b.conf_seq)) {
        const Slot& s = m_slots[hit];
        c.h_slot = hit;
        set(kHitCol, m_hit_mask, c.h_local, c.h_key, c.h_gi,
            max2(mode ? b.wr_ok : b.rd_ok, s.earliest), s.seq << sh | bi,
            static_cast<uint16_t>(b.group * kGParts + (mode ? kGWr : kGRd)));
    } else {
        set(kHitCol, m_hit_mask, c.h_local, c.h_key, c.h_gi, kNoLocal, kNoKey, c.h_gi);
    }
    // Row command: ACT for the oldest request of a closed bank; PRE for the oldest request to
    // another row, never under an active request, and not while younger hits have priority.
    // (ACT and PRE candidates differ in their m_gpart index, so a change of kind is a change.)
    if (!open) {
        const Slot& s = m_slots[b.head[k]];
        c.r_kind = kAct;
        c.r_slot = b.head[k];
        set(kRowCmd, m_row_mask, c.r_local, c.r_key, c.r_gi, max2(b.act_ok, s.earliest),
            s.seq << sh | bi, static_cast<uint16_t>(b.group * kGParts + kGAct));
    } else if (conflict && b.active < 0 && (m_cap == 0 || hits == 0 || capped)) {
        const Slot& s = m_slots[conf];
        c.r_kind = kPre;
        c.r_slot = conf;
        set(kRowCmd, m_row_mask, c.r_local, c.r_key, c.r_gi, max2(b.pre_ok, s.earliest),
            s.seq << sh | bi, static_cast<uint16_t>(m_groups.size() * kGParts + kGAct));
    } else {
        c.r_kind = kNone;
        c.r_slot = -1;
        set(kRowCmd, m_row_mask, c.r_local, c.r_key, c.r_gi, kNoLocal, kNoKey, c.r_gi);
    }
    return changed;
}

void Channel::rescan(int cls, int64_t f) {
    const BankCand* cand = m_cand.data();
    const int64_t* gp = m_gpart.data();
    const uint32_t sh = m_key_shift;
    const uint64_t bank_mask = (uint64_t(1) << sh) - 1;
    const size_t words = m_pending.size();
    // Calls fn(bank) for every bank set in `mask`.
    auto each = [&](const std::vector<uint64_t>& mask, auto&& fn) {
        for (size_t w = 0; w < words; ++w) {
            for (uint64_t bits = mask[w]; bits; bits &= bits - 1)
                fn(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
        }
    };
    // One class: the ready minimum, then (only if it is empty) the next one (see ScanMin). Classes
    // whose ready set is mostly empty take both in one pass (`one_pass`; the same results):
    // measured on HBM2 random, no active request is ready in 80 % of rescans, no row hit in 46 %,
    // no row command in 10 %.
    auto scan = [&](ClassCache& cc, const std::vector<uint64_t>& mask, bool one_pass,
                    auto&& time_key) {
        ScanMin m;
        if (one_pass) {
            each(mask, [&](uint32_t bi) {
                const std::pair<int64_t, uint64_t> rk = time_key(bi);
                m.take_ready(rk.first, rk.second, f);
                m.take_next(rk.first, rk.second);
            });
        } else {
            each(mask, [&](uint32_t bi) {
                const std::pair<int64_t, uint64_t> rk = time_key(bi);
                m.take_ready(rk.first, rk.second, f);
            });
        }
        cc.ok = true;
        cc.f_at = f;
        cc.ready = Min();
        cc.next = Min();
        if (m.ready != UINT64_MAX) {
            cc.ready.t = f;
            cc.ready.seq = m.ready >> sh;
            cc.ready.bank = static_cast<uint32_t>(m.ready & bank_mask);
            return;
        }
        if (!one_pass) {
            each(mask, [&](uint32_t bi) {
                const std::pair<int64_t, uint64_t> rk = time_key(bi);
                m.take_next(rk.first, rk.second);
            });
        }
        if (m.next_key() != UINT64_MAX) {
            cc.next.t = m.next_t();
            cc.next.seq = m.next_key() >> sh;
            cc.next.bank = static_cast<uint32_t>(m.next_key() & bank_mask);
        }
    };
    if (cls == kRowCmd) {
        scan(m_cache[kRowCmd], m_row_mask, false, [&](uint32_t bi) {
            const BankCand& c = cand[bi];
            return std::make_pair(max2(c.r_local, gp[c.r_gi]), c.r_key);
        });
        return;
    }
    // Both column classes (a column command invalidates both).
    scan(m_cache[kActCol], m_act_mask, true, [&](uint32_t bi) {
        const BankCand& c = cand[bi];
        return std::make_pair(max2(c.a_local, gp[c.a_gi]), c.a_key);
    });
    scan(m_cache[kHitCol], m_hit_mask, true, [&](uint32_t bi) {
        const BankCand& c = cand[bi];
        return std::make_pair(max2(c.h_local, gp[c.h_gi]), c.h_key);
    });
}

void Channel::cache_merge(ClassCache& cc, uint32_t bi, int64_t r, uint64_t seq) {
    if (r <= cc.f_at)
        cc.ready.take(cc.f_at, seq, bi);
    else
        cc.next.take(r, seq, bi);
}

void Channel::update_bank(uint32_t bi) {
    // Where the bank's candidate of a class changed, a valid cache drops the old one (a cache whose
    // answer it was becomes invalid; removing another one changes nothing) and takes the new one
    // (invalid caches will be rescanned anyway).
    const uint32_t changed = refresh_bank(bi);
    if (changed == 0) return;
    const BankCand& c = m_cand[bi];
    auto update = [&](int cls, int64_t local, uint16_t gi, uint64_t key) {
        ClassCache& cc = m_cache[cls];
        if (!((changed >> cls) & 1) || !cc.ok) return;
        if (cc.ready.bank == bi || cc.next.bank == bi)
            cc.ok = false;
        else if (key != kNoKey)
            cache_merge(cc, bi, max2(local, m_gpart[gi]), key >> m_key_shift);
    };
    update(kActCol, c.a_local, c.a_gi, c.a_key);
    update(kHitCol, c.h_local, c.h_gi, c.h_key);
    update(kRowCmd, c.r_local, c.r_gi, c.r_key);
}

void Channel::refresh_all_banks() {
    for (size_t w = 0; w < m_pending.size(); ++w) {
        m_act_mask[w] = m_hit_mask[w] = m_row_mask[w] = 0;
        uint64_t bits = m_pending[w];
        while (bits) {
            refresh_bank(
                static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
            bits &= bits - 1;
        }
    }
}

void Channel::invalidate_all() {
    for (auto& c : m_cache) c.ok = false;
    m_bests_ok = false;
}

void Channel::eval_refresh(Cand& out) const {
    const uint32_t pi = m_ref_fifo[m_ref_head];
    const Pc& p = m_pcs[pi];
    Cand c;
    c.seq = 0;
    c.pc = pi;
    if (p.open_banks > 0) {
        if (p.active != 0)
            return;  // the PREab waits for the active requests of this pseudo-channel
        c.time = max2(max2(p.preab_ok, p.preab_block), max2(m_row_bus, m_row_floor));
        c.kind = kPreAb;
    } else {
        c.time = max3(p.ref_ok, m_row_bus, m_row_floor);
        c.kind = kRef;
    }
    out = c;
}

inline void Channel::class_best(int cls, int64_t f, Cand& out) {
    ClassCache& cc = m_cache[cls];
    // Valid while the floor has not passed the cached answer's time: a ready answer (its time is
    // f) only at f == f_at (cache_merge takes ready candidates at f_at), a next one until next.t.
    const int64_t until = cc.ready.empty() ? cc.next.t : cc.f_at;
    if (!cc.ok || f < cc.f_at || f > until) rescan(cls, f);
    const Min& m = cc.ready.empty() ? cc.next : cc.ready;
    // Field by field: rescan has just stored them one by one, and a wide load over such stores
    // stalls (a struct copy here was ~40 % of the row best's time in perf). An empty answer is
    // time kNever (the other fields are then never read: step_until, peek).
    out.time = m.t;
    out.seq = m.seq;
    out.bank = m.bank;
}

void Channel::set_row_best(bool rp) {
    if (rp) {
        m_best_row = Cand();
        eval_refresh(m_best_row);
        return;
    }
    class_best(kRowCmd, floor_of(kRowCmd), m_best_row);
    // Kind and slot from the bank's cache (bank 0's when there is none: never issued).
    const BankCand& c = m_cand[m_best_row.time != kNever ? m_best_row.bank : 0];
    m_best_row.kind = c.r_kind;
    m_best_row.slot = c.r_slot;
}

void Channel::ensure_bests() {
    // Mode and refresh state change only on enqueue, issue and refresh deadlines, which all clear
    // m_bests_ok (enqueue keeps it only when they did not change: m_row_stale).
    if (m_bests_ok) {
        if (m_row_stale) {
            m_row_stale = false;
            set_row_best(ref_pending());
        }
        return;
    }
    const bool rp = ref_pending();
    // The read/write mode is evaluated only when no refresh is pending (as Ramulator does).
    const bool mode = rp ? m_write_mode : next_write_mode();
    if (mode != m_cand_mode || rp != m_cand_rp) {
        m_cand_mode = mode;
        m_cand_rp = rp;
        refresh_all_banks();
        invalidate_all();
    }
    m_bests_mode = mode;
    // The best of each class (rescanning the caches that are stale for the current floor). The
    // caches record only time, age and bank; the command comes from the bank's cache (bank
    // 0's when there is none: never issued), filled in place (a copy of a whole Cand loaded wide
    // words over the narrow stores just made: stalled store forwards, ~40 % of advance_through
    // in perf). Unconditionally, so that issue() dispatches once, on the kind.
    class_best(kActCol, m_col_floor, m_best_act);
    const uint32_t ab = m_best_act.time != kNever ? m_best_act.bank : 0;
    m_best_act.kind = m_cand[ab].a_write ? kWr : kRd;
    m_best_act.slot = m_banks[ab].active;
    class_best(kHitCol, m_col_floor, m_best_hit);
    m_best_hit.kind = mode ? kWr : kRd;
    m_best_hit.slot = m_cand[m_best_hit.time != kNever ? m_best_hit.bank : 0].h_slot;
    set_row_best(rp);
    m_row_stale = false;
    m_bests_ok = true;
}

const Channel::Cand& Channel::choose() const {
    // Column slot first (an active request before a plain row hit), then the row slot.
    const Cand& col = m_best_act.time <= m_best_hit.time ? m_best_act : m_best_hit;
    return (col.time != kNever && col.time <= m_best_row.time) ? col : m_best_row;
}

void Channel::issue(const Cand& d) {
    const int64_t t = d.time;
    m_last_cmd = t;
    m_write_mode = m_bests_mode;
    m_bests_ok = false;
    if (m_log) log_command(d);
    Counters& c = *m_counters;
    switch (d.kind) {
    case kRd:
    case kWr: {
        const int32_t s = d.slot;
        Slot& sl = m_slots[s];
        Bank& b = m_banks[d.bank];
        Group& g = m_groups[b.group];
        Pc& p = m_pcs[b.pc];
        if (&d == &m_best_act) {  // the active request's column command
            b.active = -1;
            --p.active;
        } else {
            unlink(s);
        }
        if (!sl.counted) ++c.row_hits;
        int64_t done;
        if (d.kind == kRd) {
            p.rd_ok = max2(p.rd_ok, t + std::max(m_bl, m_ccd_s));
            p.wr_ok = max2(p.wr_ok, t + m_rtw);
            g.rd_ok = max2(g.rd_ok, t + m_ccd_l);
            if (m_sid_r) {  // tCCD_R: RDs to the pseudo-channel's other SIDs
                const uint32_t s0 = sid_of(b.group);
                int64_t* sr = &m_sid_rd[size_t(b.pc) * m_sids];
                for (uint32_t si = 0; si < m_sids; ++si)
                    if (si != s0) sr[si] = max2(sr[si], t + m_ccd_r);
            }
            b.pre_ok = max2(b.pre_ok, t + m_rtp);
            raise_preab(p, t + m_rtp);
            done = t + m_cl + m_bl;
            ++c.read_bursts;
        } else {
            p.wr_ok = max2(p.wr_ok, t + std::max(m_bl, m_ccd_s));
            p.rd_ok = max2(p.rd_ok, t + m_cwl + m_bl + m_wtr_s);
            g.wr_ok = max2(g.wr_ok, t + m_ccd_l);
            g.rd_ok = max2(g.rd_ok, t + m_cwl + m_bl + m_wtr_l);
            b.pre_ok = max2(b.pre_ok, t + m_cwl + m_bl + m_wr);
            raise_preab(p, t + m_cwl + m_bl + m_wr);
            done = t + m_cwl + m_bl;
            ++c.write_bursts;
        }
        // A hit served ahead of an older request to another row of this bank.
        if (sl.seq > b.conf_seq) ++b.bypassed;
        if (done > m_max_done) m_max_done = done;
        if (m_record) {
            // Filled in place: a pushed temporary was stored bytewise and reloaded as words
            // (a stalled store forward, ~15 % of issue in perf).
            Completion& cp = m_sink->emplace_back();
            cp.tag = sl.tag;
            cp.cycle = done;
            cp.write = sl.write;
        }
        release(s);
        // Closed page: precharge automatically (RDA/WRA) unless another request wants this row.
        if (m_closed_page && b.active < 0 && b.hits[0] + b.hits[1] == 0 &&
            b.open_row != kClosed) {
            close_bank(b, b.pre_ok, true);
            if (m_log) m_log->back().auto_pre = b.pre_ok;
        }
        update_pending(d.bank);
        // Column timing of the whole pseudo-channel moved; the row candidates only in this bank.
        update_gparts(b.pc, true, false);
        m_cache[kActCol].ok = false;
        m_cache[kHitCol].ok = false;
        update_bank(d.bank);
        m_col_floor = t + 1;
        m_row_floor = max2(m_row_floor, t);
        return;
    }
    case kAct: {
        const int32_t s = d.slot;
        Slot& sl = m_slots[s];
        Bank& b = m_banks[d.bank];
        Group& g = m_groups[b.group];
        Pc& p = m_pcs[b.pc];
        unlink(s);
        b.active = s;
        ++p.active;
        if (!sl.counted) {
            ++c.row_misses;
            sl.counted = true;
        }
        b.open_row = sl.row;
        ++p.open_banks;
        recount_hits(b);
        b.bypassed = 0;
        m_row_bus = t + m_act_cycles;
        b.act_ok = max2(b.act_ok, t + m_rc);
        b.rd_ok = max2(b.rd_ok, t + m_rcd_rd + m_adj);
        b.wr_ok = max2(b.wr_ok, t + m_rcd_wr + m_adj);
        b.pre_ok = max2(b.pre_ok, t + m_ras + m_adj);
        raise_preab(p, t + m_ras + m_adj);
        raise_ref(p, t + m_rc + m_adj);
        g.act_ok = max2(g.act_ok, t + m_rrd_l);
        p.act_ok = max2(p.act_ok, t + m_rrd_s);
        p.faw[p.faw_i] = t;
        p.faw_i = (p.faw_i + 1) & 3;
        ++c.acts;
        // ACT timing of the whole pseudo-channel moved; the column candidates gain this bank's.
        update_gparts(b.pc, false, true);
        m_cache[kRowCmd].ok = false;
        update_bank(d.bank);
        break;
    }
    case kPre: {
        Slot& sl = m_slots[d.slot];
        if (!sl.counted) {
            ++c.row_conflicts;
            sl.counted = true;
        }
        close_bank(m_banks[d.bank], t, true);
        update_bank(d.bank);
        m_row_bus = t + 1;
        break;
    }
    case kPreAb: {
        Pc& p = m_pcs[d.pc];
        const uint32_t n = static_cast<uint32_t>(m_banks.size() / m_pcs.size());
        for (uint32_t bi = p.first_bank; bi < p.first_bank + n; ++bi)
            if (m_banks[bi].open_row != kClosed) close_bank(m_banks[bi], t, false);
        p.preab_at = t;
        ++c.precharges;
        m_row_bus = t + 1;
        refresh_all_banks();
        invalidate_all();
        break;
    }
    case kRef: {
        Pc& p = m_pcs[d.pc];
        p.act_block = t + m_rfc - m_adj;
        p.preab_block = t + m_rfc;
        update_gparts(d.pc, false, true);
        ++c.refreshes;
        ++m_ref_head;
        if (m_ref_head == m_ref_fifo.size()) {
            m_ref_fifo.clear();
            m_ref_head = 0;
        }
        m_row_bus = t + 1;
        invalidate_all();
        break;
    }
    case kNone:
        return;
    }
    m_row_floor = t + 1;
    m_col_floor = max2(m_col_floor, t + 1);
}

void Channel::log_command(const Cand& d) {
    if (d.kind == kNone) return;
    // CommandRecord's kind of each Kind (kNone, kRd, kWr, kAct, kPre, kPreAb, kRef).
    static constexpr CommandRecord::Kind kRecordKind[] = {
        CommandRecord::act, CommandRecord::rd,      CommandRecord::wr, CommandRecord::act,
        CommandRecord::pre, CommandRecord::pre_all, CommandRecord::ref};
    CommandRecord r{d.time, kRecordKind[d.kind], 0, d.bank, 0};
    if (d.kind == kPreAb || d.kind == kRef) {
        r.pc = d.pc;
        r.bank = m_pcs[d.pc].first_bank;
    } else {
        r.pc = m_banks[d.bank].pc;
        r.row = d.kind == kPre ? m_banks[d.bank].open_row : m_slots[d.slot].row;
    }
    m_log->push_back(r);
}

void Channel::log_queue(int64_t cycle) {
    const QueueRecord q{cycle, static_cast<uint32_t>(m_queued[0]),
                        static_cast<uint32_t>(m_queued[1]), m_write_mode};
    if (!m_qlog->empty()) {
        QueueRecord& last = m_qlog->back();
        if (last.reads == q.reads && last.writes == q.writes && last.write_mode == q.write_mode)
            return;
        if (last.cycle == cycle) {  // several changes in one cycle: the last state counts
            last = q;
            return;
        }
    }
    m_qlog->push_back(q);
}

void Channel::trigger_refresh() {
    // Every command before the deadline has issued; the refresh starts at the deadline.
    m_col_floor = max2(m_col_floor, m_next_ref);
    m_row_floor = max2(m_row_floor, m_next_ref);
    for (uint32_t p = 0; p < m_pcs.size(); ++p) m_ref_fifo.push_back(p);
    m_next_ref += m_refi;
    m_bests_ok = false;
}

int64_t Channel::step_until(int64_t limit) {
    for (;;) {
        ensure_bests();
        Cand& best = choose();
        if (m_refresh_on && m_next_ref <= limit && m_next_ref <= best.time) {
            trigger_refresh();
            continue;
        }
        if (best.time > limit || best.time == kNever) return -1;
        const int64_t t = best.time;
        issue(best);
        if (m_qlog) log_queue(t);
        return t;
    }
}

void Channel::advance_through(int64_t t) {
    while (step_until(t) >= 0) {}
}

int64_t Channel::step() {
    if (m_requests == 0 && m_ref_head == m_ref_fifo.size()) return -1;
    return step_until(kNever - 1);
}

int64_t Channel::peek() {
    if (m_requests == 0 && m_ref_head == m_ref_fifo.size()) return kNever;
    ensure_bests();
    const Cand& d = choose();
    if (m_refresh_on && m_next_ref <= d.time) return m_next_ref;
    return d.time;
}

int64_t Channel::drain() {
    int64_t last = -1;
    while (m_requests > 0) {
        const int64_t x = step();
        if (x < 0) break;
        last = x;
    }
    return last;
}

// ---------------------------------------------------------------------------------------------
// Run memo (RunMemo, run_bin). Why replaying a stored run is exact.
//
// run_bin starts, after advance_through(t0), with a channel whose queues are empty (access()
// drains every channel it touches); the memo is used only when no REFab is pending, recording
// and the command and queue logs are off. From there the run is: queue the bin's bursts at
// arrive = t0 (back-pressure: step until the queue has room, arrive = that command's cycle,
// advance through it), then drain.
//
// Floor. Let F = max(t0 + 1, min(m_col_floor, m_row_floor)). The first enqueue raises both
// floors to >= t0 + 1, so from then on min(m_col_floor, m_row_floor) >= F; floors never decrease
// (issue sets m_col_floor = t + 1 with t >= m_col_floor, m_row_floor = t + 1 or max(., t) with
// t >= m_row_floor; enqueue and trigger_refresh only raise them). Every command of this run and
// of every later one issues at a cycle >= F.
//
// Clamping. Every timer T (Bank act/pre/rd/wr_ok, Group rd/wr/act_ok, Pc rd/wr/act_ok, ref_ok,
// preab_ok, act_block, preab_block, m_row_bus, the floors) and every slot's `earliest` is read
// only (1) inside a max whose result is then either maxed with a floor f >= F or compared as
// `r <= f` with such a floor — rescan()/update_bank() (r = max(local, gpart): the
// partition `r <= f` and the value taken, f or r, are the same for max(r, F) since f >= F, and
// r > f implies r = max(r, F)), eval_refresh(), floor_of(); or (2) to update itself as
// T = max(T, x). Assignments (faw[i] = t, act_block = t + tRFC − adj, preab_block, m_row_bus,
// m_col_floor = t + 1, m_row_floor = t + 1) do not read the old value. The one timer read into
// another one is b.pre_ok in close_bank(b, b.pre_ok) (closed page), just after the column command
// at t >= F raised it to >= t. Hence replacing T by max(T, F) changes no command and no
// completion, now or later (the relation "max(T, F) equal" is preserved by max-updates and by
// assignments). The four-ACT window is read as faw[faw_i] + tFAW in update_gparts, so its
// entries clamp to >= F − tFAW; only the ring's order from faw_i matters (rotated to faw_i = 0).
// Subtracting F from every time is then exact too: nothing compares a time with a constant except
// the refresh deadline m_next_ref (below) and kNever (never reached by real times).
//
// Refresh. Command cycles are non-decreasing, so all the refresh checks of the run (m_next_ref
// <= limit, or <= the command about to issue) compare with cycles <= L, the run's last command:
// if m_next_ref > L no refresh triggers and m_next_ref is not read otherwise. Only runs in which
// no refresh triggered (so their m_next_ref > L) are stored, and one replays only when
// m_next_ref > F + (L − F of the stored run).
//
// Locality. Without refresh, a run reads and writes only the bin's banks, their bank groups and
// pseudo-channels, and channel-wide state (m_row_bus, floors, m_write_mode, m_seq, counters).
// Other banks have no candidate; issue() writes the command's bank, its group and its PC
// (update_gparts rewrites the derived m_gpart of that PC's groups). So other banks, groups and
// PCs are neither in the key nor touched by a replay. With tCCD_R (m_sid_r: several SIDs) a RD
// raises the PC's per-SID RD timers m_sid_rd: PC state, in the key and the state with the PC's
// other timers; the key's group words then carry each group's SID (which groups share a SID).
//
// Relabelling. Bank indices never order anything: candidates are ordered by (time, age) and
// ages are unique; rows are only compared for equality. So the key numbers the bin's banks,
// groups, PCs and rows by first appearance in the bin, with the bank → group → PC structure
// (same group / same PC is what the timing depends on). A bank's open row becomes CLOSED, the id
// of the equal bin row, or OTHER (no request of this run targets it: the queue is empty). A run
// only opens bin rows, so at its end a non-closed bank with a non-bin row still has its original
// row ("unchanged", the same code as OTHER).
//
// Fields of Channel:
//  - in the key (for the bin's banks / groups / PCs; times clamped, relative to F; faw relative
//    to F − tFAW): the write flag, the bin as (bank id << 8 | row id, count) per run; per bank its
//    group
//    id, row class, min(bypassed, row_hit_cap) (only compared with `>= m_cap`; 0 if m_cap = 0),
//    act/pre/rd/wr_ok; per group its PC id, rd/wr/act_ok; per PC rd/wr/act_ok, the FAW ring,
//    act_block; m_row_bus, m_col_floor, m_row_floor;
//  - read, but irrelevant to a run: m_write_mode. It is read by next_write_mode() (and by
//    ensure_bests with a refresh pending: never here); all bursts of a bin are of one kind, and
//    with no write queued next_write_mode() is (queued reads == 0) in both modes (the low count
//    is >= 1: ceil of a watermark > 0; the key keeps the mode otherwise), with no read queued it
//    is true in both modes. The run's final mode is part of the stored state;
//  - written but not read by such a run: Pc.ref_ok and preab_ok (read by eval_refresh only, with
//    a refresh pending). The run raises each to max(T, X); X (tracked in ref_x / preab_x,
//    shadows that nothing reads) is stored relative to F and replayed as T = max(T, F + X'), so
//    these stay exact; preab_block is written by REFab only;
//  - empty with empty queues: m_slots/m_free (slot indices identify requests, never order them),
//    Bank head/tail/count/hits/active, Pc.active, m_queued, m_requests, m_pending, the candidate
//    masks (every bank's last change ran refresh_bank with no request: masks cleared), m_ref_fifo;
//  - derived, recomputed on replay: m_gpart (update_gparts of the bin's PCs), Pc.open_banks,
//    BankCand / Bank.conf_seq (recomputed by refresh_bank at each enqueue into the bank before any
//    use), m_cache / m_best_* / m_bests_ok / m_bests_mode (invalidated; the caches are exact),
//    m_cand_mode / m_cand_rp (ensure_bests re-evaluates every pending bank when they differ from
//    the current mode / refresh state, so they only decide what is cached);
//  - relative only: m_seq (ages are only compared; a replay advances it by the bin's size);
//  - condition, not key: m_next_ref (above), m_record, m_log, m_qlog; constants: parameters,
//    Bank.group/pc, Pc.first_bank, cache-group tables; outputs: m_max_done, m_last_cmd, counters.
// A replay writes each key time back as F + its stored final value: a timer the run did not raise
// comes back as F if it was clamped, which is equivalent to its original value (<= F) by the
// clamping argument, since all later floors are >= F.
// ---------------------------------------------------------------------------------------------

namespace {

constexpr int64_t kNoX = INT64_MIN / 4;  // ref_x / preab_x: not raised by the run

}  // namespace

void RunMemo::reset_gen(Gen& g) {
    g.entries.clear();
    g.pool.clear();
    // Reserved once at the full size (untouched pages cost no memory), so that growth never
    // doubles the pool beyond its share of max_words.
    if (g.pool.capacity() < m_max_words / 2) g.pool.reserve(m_max_words / 2);
    g.slots.assign(m_max_entries, Slot{});
    g.mask = g.slots.size() - 1;
}

void RunMemo::clear() {
    for (Gen& g : m_gen) reset_gen(g);
}

void RunMemo::set_capacity(size_t entries, size_t words) {
    size_t e = 4;
    while (e < entries) e <<= 1;
    m_max_entries = e;
    m_max_words = words;
    for (Gen& g : m_gen) {
        g.entries.clear();
        g.pool.clear();
        g.slots.clear();  // reallocated at the next insert
        g.mask = 0;
    }
}

uint64_t RunMemo::hash(const uint32_t* k, size_t n) {
    // Four independent multiply-xorshift lanes over 2-word chunks (a single chain was bound by
    // the multiply latency on keys of hundreds of words), combined at the end.
    uint64_t h[4] = {0x9E3779B97F4A7C15ull ^ n, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull,
                     0xD6E8FEB86659FD93ull};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (size_t l = 0; l < 4; ++l) {
            h[l] ^= (static_cast<uint64_t>(k[i + 2 * l]) << 32) | k[i + 2 * l + 1];
            h[l] *= 0xBF58476D1CE4E5B9ull;
            h[l] ^= h[l] >> 31;
        }
    }
    for (size_t l = 0; i < n; ++i, l = (l + 1) & 3) {
        h[l] ^= k[i];
        h[l] *= 0x94D049BB133111EBull;
        h[l] ^= h[l] >> 29;
    }
    uint64_t x = h[0];
    for (size_t l = 1; l < 4; ++l) {
        x ^= h[l] + 0x9E3779B97F4A7C15ull + (x << 6) + (x >> 2);
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 31;
    }
    return x;
}

const RunMemo::Entry* RunMemo::Gen::find(uint64_t h, const std::vector<uint32_t>& key) const {
    if (slots.empty()) return nullptr;
    const uint32_t h32 = static_cast<uint32_t>(h >> 32);
    const size_t bytes = key.size() * sizeof(uint32_t);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& s = slots[i];
        if (s.entry == 0) return nullptr;
        if (s.hash != h32) continue;
        const Entry& e = entries[s.entry - 1];
        if (e.key_len == key.size() &&
            std::memcmp(pool.data() + e.key_off, key.data(), bytes) == 0)
            return &e;
    }
}

const RunMemo::Entry* RunMemo::find(uint64_t h, const std::vector<uint32_t>& key) {
    if (const Entry* e = m_gen[m_cur].find(h, key)) return e;
    const Gen& old = m_gen[1 - m_cur];
    const Entry* e = old.find(h, key);
    if (e == nullptr) return nullptr;
    // Promote: copy into the current generation (insert may rotate, dropping `old`).
    m_promote.assign(old.pool.data() + e->state_off,
                     old.pool.data() + e->state_off + e->state_len);
    const Entry copy = *e;
    place(h, key, copy, m_promote);  // a promotion, not a new run: `stored` unchanged
    return &m_gen[m_cur].entries.back();
}

void RunMemo::insert(uint64_t h, const std::vector<uint32_t>& key, Entry e,
                     const std::vector<uint32_t>& state) {
    place(h, key, e, state);
    ++m_stored;
}

void RunMemo::place(uint64_t h, const std::vector<uint32_t>& key, Entry e,
                    const std::vector<uint32_t>& state) {
    Gen* g = &m_gen[m_cur];
    if (g->slots.empty()) {
        clear();
    } else if (g->entries.size() >= m_max_entries / 2 ||
               g->pool.size() + key.size() + state.size() > m_max_words / 2) {
        m_cur = 1 - m_cur;  // the current generation becomes the older one
        g = &m_gen[m_cur];
        reset_gen(*g);
    }
    e.key_off = static_cast<uint32_t>(g->pool.size());
    e.key_len = static_cast<uint32_t>(key.size());
    g->pool.insert(g->pool.end(), key.begin(), key.end());
    e.state_off = static_cast<uint32_t>(g->pool.size());
    e.state_len = static_cast<uint32_t>(state.size());
    g->pool.insert(g->pool.end(), state.begin(), state.end());
    g->entries.push_back(e);
    size_t i = h & g->mask;
    while (g->slots[i].entry != 0) i = (i + 1) & g->mask;
    g->slots[i].entry = static_cast<uint32_t>(g->entries.size());
    g->slots[i].hash = static_cast<uint32_t>(h >> 32);
}

template <class Rel>
Channel::BankWords Channel::bank_words(const Bank& b, const std::vector<uint32_t>& rows,
                                       Rel& rel) const {
    // A bank's row class (0 closed, 1 another row, 2 + the id of an equal key row), min(bypassed,
    // cap) and act/pre/rd/wr_ok (rel: relative to the key's or state's base, clamped), as keys
    // and final states write them.
    BankWords w;
    if (b.open_row == kClosed) {
        w.cls = 0;
    } else {
        for (size_t j = 0; j < rows.size(); ++j)
            if (rows[j] == b.open_row) {  // key rows are distinct
                w.cls = static_cast<uint32_t>(2 + j);
                break;
            }
    }
    w.byp = m_cap == 0 ? 0 : static_cast<uint32_t>(std::min<uint64_t>(b.bypassed, m_cap));
    w.t[0] = rel(b.act_ok);
    w.t[1] = rel(b.pre_ok);
    w.t[2] = rel(b.rd_ok);
    w.t[3] = rel(b.wr_ok);
    w.quiet = (w.byp | w.t[0] | w.t[1] | w.t[2] | w.t[3]) == 0;
    return w;
}

template <class Rel>
uint32_t* Channel::encode_banks_groups(uint32_t* k, const std::vector<uint32_t>& banks,
                                       const std::vector<uint32_t>& groups,
                                       const std::vector<uint32_t>& rows,
                                       const std::vector<int32_t>& id, Rel& rel) const {
    // Per bank: group id << 16 | row class << 1 | quiet, then (not quiet) min(bypassed, cap) and
    // act/pre/rd/wr_ok (relative, clamped); quiet: all five are 0 (a bank idle since before F).
    // Per group: PC id << 1 | quiet, then (not quiet) rd/wr/act_ok. The flag fixes each item's
    // length and the counts are in the key's head, so the encoding stays one-to-one. Row class:
    // 0 closed, 1 another row, 2 + the id of an equal key row. At most 6 words per bank and 4 per
    // group.
    const size_t nb = m_banks.size(), ng = m_groups.size();
    for (const uint32_t bi : banks) {
        const Bank& b = m_banks[bi];
        const BankWords w = bank_words(b, rows, rel);
        k[0] = static_cast<uint32_t>(id[nb + b.group]) << 16 | w.cls << 1 | (w.quiet ? 1u : 0u);
        if (w.quiet) {
            k += 1;
            continue;
        }
        k[1] = w.byp;
        for (int i = 0; i < 4; ++i) k[2 + i] = w.t[i];
        k += 6;
    }
    for (const uint32_t gi : groups) {
        const Group& g = m_groups[gi];
        const uint32_t t0 = rel(g.rd_ok), t1 = rel(g.wr_ok), t2 = rel(g.act_ok);
        const bool quiet = (t0 | t1 | t2) == 0;
        // With tCCD_R (m_sid_r) the group's stack ID matters too: PC id · sids + SID.
        const uint32_t pc_id = static_cast<uint32_t>(id[nb + ng + m_banks[g_first_bank(gi)].pc]);
        k[0] = (m_sid_r ? pc_id * m_sids + sid_of(gi) : pc_id) << 1 | (quiet ? 1u : 0u);
        if (quiet) {
            k += 1;
            continue;
        }
        k[1] = t0;
        k[2] = t1;
        k[3] = t2;
        k += 4;
    }
    return k;
}

template <class Rel, class RelFaw>
void Channel::append_key_state(std::vector<uint32_t>& key, const std::vector<uint32_t>& banks,
                               const std::vector<uint32_t>& groups,
                               const std::vector<uint32_t>& pcs, const std::vector<uint32_t>& rows,
                               const std::vector<int32_t>& id, Rel& rel, RelFaw& rel_faw) const {
    const size_t o = key.size();
    key.resize(o + 6 * banks.size() + 4 * groups.size() +
               (8 + (m_sid_r ? m_sids : 0)) * pcs.size());
    uint32_t* k = encode_banks_groups(key.data() + o, banks, groups, rows, id, rel);
    for (const uint32_t pi : pcs) {
        const Pc& p = m_pcs[pi];
        k[0] = rel(p.rd_ok);
        k[1] = rel(p.wr_ok);
        k[2] = rel(p.act_ok);
        for (uint32_t j = 0; j < 4; ++j) k[3 + j] = rel_faw(p.faw[(p.faw_i + j) & 3]);
        k[7] = rel(p.act_block);
        k += 8;
        if (m_sid_r)  // tCCD_R: the PC's per-SID RD timers
            for (uint32_t si = 0; si < m_sids; ++si) *k++ = rel(m_sid_rd[pi * m_sids + si]);
    }
    key.resize(static_cast<size_t>(k - key.data()));
}

bool Channel::memo_key(RunMemo& memo, const BinRun* bin, size_t runs, bool write,
                       int64_t f) const {
    std::vector<uint32_t>& rows = memo.m_rows;
    std::vector<uint32_t>& banks = memo.m_bank_list;
    std::vector<uint32_t>& groups = memo.m_group_list;
    std::vector<uint32_t>& pcs = memo.m_pc_list;
    std::vector<int32_t>& id = memo.m_id;  // scratch: per flat bank, group or PC: its id or -1
    rows.clear();
    banks.clear();
    groups.clear();
    pcs.clear();
    const size_t nb = m_banks.size(), ng = m_groups.size();
    if (id.size() < nb + ng + m_pcs.size()) id.assign(nb + ng + m_pcs.size(), -1);
    std::vector<uint32_t>& key = memo.m_key;
    constexpr size_t kHead = 9;
    key.resize(kHead + 2 * runs);
    key[0] = write ? 1 : 0;
    key[1] = static_cast<uint32_t>(runs);
    // The bin as (bank id << 8 | row id, count) per run.
    bool ok = true;
    uint32_t last_row = kClosed, last_rid = 0;
    uint32_t last_bank = UINT32_MAX, last_bid = 0;
    for (size_t i = 0; i < runs; ++i) {
        const uint32_t row = static_cast<uint32_t>(bin[i].key);
        const uint32_t bank = static_cast<uint32_t>(bin[i].key >> 32);
        if (row != last_row) {
            size_t j = 0;
            while (j < rows.size() && rows[j] != row) ++j;
            if (j == rows.size()) {
                if (rows.size() == RunMemo::kMaxRows || row == kClosed) {
                    ok = false;
                    break;
                }
                rows.push_back(row);
            }
            last_row = row;
            last_rid = static_cast<uint32_t>(j);
        }
        if (bank != last_bank) {
            if (bank >= nb) {
                ok = false;
                break;
            }
            if (id[bank] < 0) {
                id[bank] = static_cast<int32_t>(banks.size());
                banks.push_back(bank);
                const uint32_t g = m_banks[bank].group;
                if (id[nb + g] < 0) {
                    id[nb + g] = static_cast<int32_t>(groups.size());
                    groups.push_back(g);
                    const uint32_t p = m_banks[bank].pc;
                    if (id[nb + ng + p] < 0) {
                        id[nb + ng + p] = static_cast<int32_t>(pcs.size());
                        pcs.push_back(p);
                    }
                }
            }
            last_bank = bank;
            last_bid = static_cast<uint32_t>(id[bank]);
        }
        if (bin[i].count >= (uint64_t(1) << 32)) {
            ok = false;
            break;
        }
        key[kHead + 2 * i] = last_bid << 8 | last_rid;
        key[kHead + 2 * i + 1] = static_cast<uint32_t>(bin[i].count);
    }
    if (!ok) {
        for (const uint32_t b : banks) id[b] = -1;
        for (const uint32_t g : groups) id[nb + g] = -1;
        for (const uint32_t p : pcs) id[nb + ng + p] = -1;
        return false;
    }
    int64_t worst = 0;
    RelTo rel{f, &worst};
    const int64_t ff = f - m_faw;
    RelTo rel_faw{ff, &worst};
    key[2] = static_cast<uint32_t>(banks.size());
    key[3] = static_cast<uint32_t>(groups.size());
    key[4] = static_cast<uint32_t>(pcs.size());
    key[5] = m_low_count == 0 && m_write_mode ? 1 : 0;  // irrelevant when m_low_count >= 1
    key[6] = rel(m_row_bus);
    key[7] = rel(m_col_floor);
    key[8] = rel(m_row_floor);
    append_key_state(key, banks, groups, pcs, rows, id, rel, rel_faw);
    for (const uint32_t b : banks) id[b] = -1;
    for (const uint32_t g : groups) id[nb + g] = -1;
    for (const uint32_t p : pcs) id[nb + ng + p] = -1;
    return worst < (int64_t(1) << 31);
}

template <class Rel>
void Channel::encode_state_banks_groups(std::vector<uint32_t>& out,
                                        const std::vector<uint32_t>& banks,
                                        const std::vector<uint32_t>& groups,
                                        const std::vector<uint32_t>& rows, Rel& rel) const {
    // The banks' and groups' part of a final state (run or segment). Per bank: row class << 1 |
    // quiet (row class 0 closed, 1 another row / unchanged, 2 + the id of an equal key row), then
    // (not quiet) min(bypassed, cap), act/pre/rd/wr_ok relative to the state's base, clamped;
    // quiet: those five are 0. Per group: quiet, then (not quiet) rd/wr/act_ok.
    for (const uint32_t bi : banks) {
        const Bank& b = m_banks[bi];
        const BankWords w = bank_words(b, rows, rel);
        out.push_back(w.cls << 1 | (w.quiet ? 1u : 0u));
        if (w.quiet) continue;
        out.push_back(w.byp);
        for (int i = 0; i < 4; ++i) out.push_back(w.t[i]);
    }
    for (const uint32_t gi : groups) {
        const Group& g = m_groups[gi];
        const uint32_t t0 = rel(g.rd_ok), t1 = rel(g.wr_ok), t2 = rel(g.act_ok);
        const bool quiet = (t0 | t1 | t2) == 0;
        out.push_back(quiet ? 1u : 0u);
        if (quiet) continue;
        out.push_back(t0);
        out.push_back(t1);
        out.push_back(t2);
    }
}

const uint32_t* Channel::decode_state_banks_groups(const uint32_t* s,
                                                   const std::vector<uint32_t>& banks,
                                                   const std::vector<uint32_t>& groups,
                                                   const std::vector<uint32_t>& rows,
                                                   int64_t base) {
    // Inverse of encode_state_banks_groups: writes the banks' row, bypassed and timers (base +
    // the stored offsets) and the groups' timers; keeps Pc.open_banks in step. Returns the end.
    for (const uint32_t bi : banks) {
        Bank& b = m_banks[bi];
        const uint32_t cls = s[0] >> 1;
        const bool quiet = (s[0] & 1) != 0;
        const bool was_open = b.open_row != kClosed;
        if (cls == 0)
            b.open_row = kClosed;
        else if (cls >= 2)
            b.open_row = rows[cls - 2];
        const bool open = b.open_row != kClosed;
        if (open != was_open) {
            if (open)
                ++m_pcs[b.pc].open_banks;
            else
                --m_pcs[b.pc].open_banks;
        }
        if (quiet) {
            b.bypassed = 0;
            b.act_ok = b.pre_ok = b.rd_ok = b.wr_ok = base;
            s += 1;
        } else {
            b.bypassed = s[1];
            b.act_ok = base + s[2];
            b.pre_ok = base + s[3];
            b.rd_ok = base + s[4];
            b.wr_ok = base + s[5];
            s += 6;
        }
    }
    for (const uint32_t gi : groups) {
        Group& g = m_groups[gi];
        if (s[0] != 0) {
            g.rd_ok = g.wr_ok = g.act_ok = base;
            s += 1;
        } else {
            g.rd_ok = base + s[1];
            g.wr_ok = base + s[2];
            g.act_ok = base + s[3];
            s += 4;
        }
    }
    return s;
}

bool Channel::memo_final(const RunMemo& memo, int64_t f, std::vector<uint32_t>& out) const {
    // Layout: write mode, row bus, column floor, row floor; the banks (bin order) and groups as
    // encode_state_banks_groups writes them (row class 0 closed, 1 unchanged, 2 + row id); per
    // PC rd/wr/act_ok, FAW ring, act_block, ref_x, preab_x (0: not raised, else 1 + X − F).
    const std::vector<uint32_t>& rows = memo.m_rows;
    int64_t worst = 0;
    RelTo rel{f, &worst};
    const int64_t ff = f - m_faw;
    RelTo rel_faw{ff, &worst};
    out.clear();
    out.push_back(m_write_mode ? 1 : 0);
    out.push_back(rel(m_row_bus));
    out.push_back(rel(m_col_floor));
    out.push_back(rel(m_row_floor));
    encode_state_banks_groups(out, memo.m_bank_list, memo.m_group_list, rows, rel);
    for (const uint32_t pi : memo.m_pc_list) {
        const Pc& p = m_pcs[pi];
        out.push_back(rel(p.rd_ok));
        out.push_back(rel(p.wr_ok));
        out.push_back(rel(p.act_ok));
        for (uint32_t j = 0; j < 4; ++j) out.push_back(rel_faw(p.faw[(p.faw_i + j) & 3]));
        out.push_back(rel(p.act_block));
        // Raised values are >= F (t + a non-negative delay, t >= F).
        if (p.ref_x != kNoX && p.ref_x < f) return false;
        if (p.preab_x != kNoX && p.preab_x < f) return false;
        out.push_back(p.ref_x == kNoX ? 0 : 1 + rel(p.ref_x));
        out.push_back(p.preab_x == kNoX ? 0 : 1 + rel(p.preab_x));
        if (m_sid_r)
            for (uint32_t si = 0; si < m_sids; ++si) out.push_back(rel(m_sid_rd[pi * m_sids + si]));
    }
    return worst < (int64_t(1) << 31);
}

void Channel::memo_apply(const RunMemo& memo, const RunMemo::Entry& e, int64_t f, uint64_t n) {
    const uint32_t* s = memo.state_of(e);
    const std::vector<uint32_t>& rows = memo.m_rows;
    const int64_t ff = f - m_faw;
    m_write_mode = s[0] != 0;
    m_row_bus = f + s[1];
    m_col_floor = f + s[2];
    m_row_floor = f + s[3];
    s += 4;
    s = decode_state_banks_groups(s, memo.m_bank_list, memo.m_group_list, rows, f);
    for (const uint32_t pi : memo.m_pc_list) {
        Pc& p = m_pcs[pi];
        p.rd_ok = f + s[0];
        p.wr_ok = f + s[1];
        p.act_ok = f + s[2];
        for (uint32_t j = 0; j < 4; ++j) p.faw[j] = ff + s[3 + j];
        p.faw_i = 0;
        p.act_block = f + s[7];
        if (s[8] != 0) p.ref_ok = max2(p.ref_ok, f + s[8] - 1);
        if (s[9] != 0) p.preab_ok = max2(p.preab_ok, f + s[9] - 1);
        s += 10;
        if (m_sid_r)
            for (uint32_t si = 0; si < m_sids; ++si) m_sid_rd[pi * m_sids + si] = f + *s++;
        update_gparts(pi, true, true);
    }
    invalidate_all();
    m_seq += n;
    add_to(*m_counters, e.delta);
    m_max_done = f + e.done_rel;
    m_last_cmd = f + e.last_rel;
}

int64_t Channel::run_bin(const BinRun* bin, size_t runs, bool write, int64_t t0,
                         RunMemo* memo) {
    // Idle, no refresh pending or due by t0: advance_through(t0) would issue nothing.
    if (m_requests != 0 || ref_pending() || (m_refresh_on && m_next_ref <= t0))
        advance_through(t0);
    m_max_done = -1;
    uint64_t n = 0;
    for (size_t i = 0; i < runs; ++i) n += bin[i].count;
    int64_t f = 0;
    uint64_t h = 0;
    bool store = false;
    if (memo != nullptr && runs > 0 && runs <= RunMemo::kMaxRuns && m_requests == 0 &&
        !ref_pending() && !m_record && m_log == nullptr && m_qlog == nullptr) {
        f = max2(t0 + 1, std::min(m_col_floor, m_row_floor));
        if (memo_key(*memo, bin, runs, write, f)) {
            h = RunMemo::hash(memo->m_key.data(), memo->m_key.size());
            const RunMemo::Entry* e = memo->find(h, memo->m_key);
            if (e == nullptr) {
                store = true;
            } else if (!m_refresh_on || m_next_ref > f + e->last_rel) {
                memo_apply(*memo, *e, f, n);
                ++memo->m_hits;
                return m_max_done;
            }
        }
        ++memo->m_misses;
    }
    const Counters before = *m_counters;
    const int64_t next_ref = m_next_ref;
    if (store) {
        for (const uint32_t pi : memo->m_pc_list) m_pcs[pi].ref_x = m_pcs[pi].preab_x = kNoX;
    }
    int64_t arrive = t0;
    feed(bin, runs, write, arrive, memo, true);
    drain();
    // Store only runs in which no refresh triggered (then m_next_ref > the last command).
    if (store && m_next_ref == next_ref && !ref_pending() && m_requests == 0) {
        RunMemo::Entry e;
        std::vector<uint32_t>& state = memo->m_state;
        if (memo_final(*memo, f, state)) {
            e.done_rel = m_max_done - f;
            e.last_rel = m_last_cmd - f;
            e.delta = *m_counters - before;
            memo->insert(h, memo->m_key, e, state);
        }
    }
    return m_max_done;
}

// ---------------------------------------------------------------------------------------------
// Segment memo (feed). Why replaying a stored segment of a long bin is exact.
//
// A long bin (a whole DMA transfer) is fed with back-pressure: before burst i is queued the loop
// waits until the queue has room (step; `arrive` = that command's cycle) and advances through
// `arrive`. Call that moment, just before enqueue(i), an enqueue point. At an enqueue point every
// command <= arrive has issued, enqueue(i) raises both floors to >= arrive + 1 and floors never
// decrease, so every later command issues at >= F := arrive + 1. The clamping argument of the run
// memo (above) then holds with this F for every timer, and for every queued or active request's
// `earliest` (read only in max(…, bank timer) compared with a floor; requests queued at earlier
// enqueue points have earliest <= F, so this part of the key is 0 in practice). The loop variable
// `arrive` is F − 1 by definition, and after a segment it is F' − 1 (F' = the next enqueue
// point's F).
//
// A segment is the runs r0 .. r1−1 of the bin (whole runs: at least kSegBursts bursts, at most
// kSegMaxRuns runs) with r1 < the bin's size, so that it ends at the enqueue point of run r1.
// Without refresh (below) the evolution from the enqueue point of r0 to that of r1 is a
// deterministic, time-shift-invariant function of:
//  - the requests in the channel (queued and active), oldest first. Per request: its bank id and
//    row id (numbered as below), write flag, counted flag (first command recorded), whether it is
//    its bank's active request, `earliest` − F (clamped). Queue lists are in age order (enqueue
//    appends the youngest), so the order of the list is the age order; ages are unique and only
//    compared, so the age order replaces the seq values. The replay rebuilds the requests with
//    seq = seq0 + (their stored seq − seq0 of the recorded segment), hence the same relative
//    ages (and m_seq advances by the segment's bursts, as enqueue does);
//  - the segment's input, as (bank id, row id, count) per run;
//  - per bank of the key (banks of the requests, then of the input, by first appearance), its
//    group id, row class (closed, id of an equal key row, other), min(bypassed, row_hit_cap),
//    act/pre/rd/wr_ok; per group its PC id and timers; per PC rd/wr/act_ok, the FAW ring (relative
//    to F − tFAW, rotated), act_block; m_row_bus and the floors; m_write_mode (kept in the key as
//    is: a queue may hold both kinds when the channel was fed outside run_bin).
// Derived and recomputed on replay: Bank head/tail/count/hits/active, Pc.active, m_queued,
// m_requests, m_pending, the candidate caches, BankCand and Bank.conf_seq (refresh_bank of every
// key bank under the current m_cand_mode / m_cand_rp: a bank's candidates are a function of its
// own state and of those two, which ensure_bests re-establishes when they change), m_gpart
// (update_gparts of the key PCs), Pc.open_banks. Slot indices only identify requests (they order
// nothing: Min compares time, then age), so the replay frees the current slots and allocates the
// final ones anew.
// Locality: every pending bank is a key bank (all requests are in the key) and banks without a
// request have no candidate, so a segment touches only key banks, their groups and PCs and
// channel-wide state; other banks, groups and PCs are neither in the key nor written on replay.
// Relabelling is valid for the reasons given for the run memo (indices order nothing; same
// group / same PC is kept by the bank → group → PC ids).
// Refresh: a segment is looked up only with no REFab pending; every refresh check inside it
// compares m_next_ref with a command cycle or with an `arrive`, all <= max(L, F' − 1) (L: last
// command). Only segments in which no refresh triggered are stored, and one replays only when
// m_next_ref > F + max(L − F, F' − 1 − F) of the stored segment. Pc.ref_ok / preab_ok are written
// but not read (no refresh pending); the segment's raises are tracked in the shadows ref_y /
// preab_y and replayed as max(T, F' + X') (X clamped to F': equivalent, as both timers are read
// only against row floors >= F').
// Outputs: counters delta, latest completion and last command relative to F (none if the segment
// had none), F' − F. A run memo store around the segments stays exact: a replay raises the run's
// shadows ref_x / preab_x alike, and counters, m_max_done (max) and m_last_cmd are updated.
//
// Tail memo (feed with drain_after, i.e. from run_bin, which drains right after feed). The bin's
// last segment (r1 = the bin's size, so it has no next enqueue point) plus the drain is stored as
// a "tail" (key[0] = 4/5, never equal to a segment key). Its end point is the drained channel with
// F' := min(m_col_floor, m_row_floor): floors never decrease, column commands issue at >=
// m_col_floor and row commands, PREab and REFab at >= m_row_floor (eval_refresh,
// floor_of), so every later command issues at >= F' and the clamping argument holds at F' for
// every timer (no request is left, so no `earliest`). F' >= F, and F' − 1 <= L (the last command
// set one floor to L + 1 and the other to <= L + 1), so the refresh rule above (replay only when
// m_next_ref > F + max(L − F, F' − 1 − F)) covers the drain's refresh checks, all against command
// cycles <= L. The state layout and the replay are the segment's; a replayed tail leaves the
// channel drained, as the simulated one does.
//
// Segment levels (RunMemo::kLevels). Segments nest: at an enqueue point the longest level whose
// grid point this is looks up its segment first (at least kLevelBursts[0] bursts), then, if that
// did not replay, the next level looks up the first of the shorter segments that tile it (each
// ends no later than the segment around it, so the same bin is cut alike every time), and so on.
// Nothing in the argument above depends on the length of a segment: the key holds its whole
// input, so an entry of any level is valid wherever its key recurs. Only the bottom level is
// stored by simulating it. A segment of an upper level is stored at its end point when every
// segment inside it replayed (`clean`: the evolution between its two enqueue points is then
// exactly that of the simulation, made of exact replays) and no refresh triggered. Its outputs
// are gathered as for a simulated segment: counters from a snapshot, m_max_done / m_last_cmd
// reset at its start and restored (max) at its end, innermost level first, and its own shadows
// ref_y[level] / preab_y[level] (every replay raises the shadows of all levels). Why levels: a
// refresh deadline inside a segment makes it simulated (above), so long segments alone lose
// more to refresh than they save in lookups; with levels a long segment replays where no refresh
// falls and the short ones limit what a refresh costs (LLaMA-2-70B prefill: bench/notes.md,
// session 4).
//
// Refresh segments (bottom level). A segment that a refresh deadline D falls inside is looked up
// (and stored) under its plain key extended by ref_key(): key[0] + 6, D − F, and per key PC its
// index, ref_ok, preab_ok, preab_block (clamped, relative to F) and whether a bank outside the key
// has an open row; it is used only when the key PCs are all the channel's PCs. Why the evolution
// from the enqueue point to the next one is then a time-shift-invariant function of that key
// (given that exactly one refresh triggers in it, which storing checks: m_next_ref advanced by
// exactly tREFI and no REFab is left pending; replay requires D + tREFI beyond the segment):
//  - D − F fixes the cycle at which trigger_refresh runs (the step_until checks compare D with
//    command cycles and limits, all relative to F), and trigger_refresh queues every PC in index
//    order, which the key's PC indices fix;
//  - eval_refresh reads per PC open_banks, active, preab_ok, preab_block, ref_ok, m_row_bus and the
//    row floor. open_banks counts the key banks (state in the plain key) plus the open banks
//    outside the key, of which only "any" matters (the PREab is issued iff open_banks > 0, and
//    it closes them all at once); active counts active requests (all in the key). The three
//    timers are read in a max with the row floor (>= F), so clamping them at F is exact, as for
//    the other timers;
//  - a PREab closes every open bank of its PC (close_bank: act_ok = max(act_ok, t + tRP − adj),
//    bypassed = 0, open_banks − 1, ref_ok raised) and a REFab sets act_block and preab_block; the
//    banks outside the key have no request, so nothing else reads or writes them. The replay
//    (ref_apply) does the same to each open bank outside the key at the stored PREab cycle
//    (ref_final: 1 + t − F per PC, 0 if none), which needs no identity of those banks: the update
//    is a function of each bank's own act_ok;
//  - ref_ok, preab_ok and preab_block are written absolutely at the end (relative to F', clamped);
//    the shadows ref_y / preab_y are not needed: a level or run around a refresh segment is never
//    stored (m_next_ref moved).
// A lookup is also made under the extended key when no plain entry exists and D − F <= 8 cycles
// per burst of the segment (a guess at its length: only which keys are tried depends on it); such
// a segment is then stored under the extended key if its refresh triggered, else under the plain
// key. Measured on LLaMA-2-70B prefill S=2048 (80 layers): the segments met 1.0 M refresh
// deadlines at 47 k distinct (plain key, D − F) pairs; with refresh segments the simulated bursts
// went from 162 M to 82 M and the run from 39.3 to 33 s CPU (bench/notes.md, session 4).
// ---------------------------------------------------------------------------------------------

namespace {

constexpr int64_t kNoRel = INT64_MIN / 4;  // segment with no completion / no command

/// Sorts (seq, slot) pairs by seq (unique): by buckets when the seqs span a short range (the
/// usual case: the queue holds recent requests), else std::sort.
void sort_by_age(std::vector<std::pair<uint64_t, int32_t>>& v, std::vector<int32_t>& bucket) {
    if (v.size() < 2) return;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& p : v) {
        lo = p.first < lo ? p.first : lo;
        hi = p.first > hi ? p.first : hi;
    }
    const uint64_t span = hi - lo + 1;
    if (span > 8 * v.size() + 64) {
        std::sort(v.begin(), v.end());
        return;
    }
    bucket.assign(span, -1);
    for (const auto& p : v) bucket[p.first - lo] = p.second;
    size_t n = 0;
    for (uint64_t i = 0; i < span; ++i)
        if (bucket[i] >= 0) v[n++] = {lo + i, bucket[i]};
}

}  // namespace

bool Channel::seg_key(RunMemo& memo, const BinRun* bin, size_t r0, size_t r1, bool write,
                      int64_t f, bool tail) {
    std::vector<uint32_t>& rows = memo.m_srows;
    std::vector<uint32_t>& banks = memo.m_sbanks;
    std::vector<uint32_t>& groups = memo.m_sgroups;
    std::vector<uint32_t>& pcs = memo.m_spcs;
    std::vector<int32_t>& id = memo.m_sid;
    std::vector<int32_t>& slots = memo.m_sslots;
    auto& order = memo.m_sorder;
    rows.clear();
    banks.clear();
    groups.clear();
    pcs.clear();
    slots.clear();
    order.clear();
    const size_t nb = m_banks.size(), ng = m_groups.size();
    if (id.size() < nb + ng + m_pcs.size()) id.assign(nb + ng + m_pcs.size(), -1);
    // The channel's requests, oldest first.
    for (size_t w = 0; w < m_pending.size(); ++w) {
        for (uint64_t bits = m_pending[w]; bits; bits &= bits - 1) {
            const uint32_t bi =
                static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
            const Bank& b = m_banks[bi];
            if (b.active >= 0) order.emplace_back(m_slots[b.active].seq, b.active);
            for (int k = 0; k < 2; ++k)
                for (int32_t i = b.head[k]; i >= 0; i = m_slots[i].next)
                    order.emplace_back(m_slots[i].seq, i);
        }
    }
    sort_by_age(order, memo.m_sbucket);
    bool ok = true;
    auto bank_id = [&](uint32_t bank) -> uint32_t {
        if (bank >= nb) {
            ok = false;
            return 0;
        }
        if (id[bank] < 0) {
            id[bank] = static_cast<int32_t>(banks.size());
            banks.push_back(bank);
            const uint32_t g = m_banks[bank].group;
            if (id[nb + g] < 0) {
                id[nb + g] = static_cast<int32_t>(groups.size());
                groups.push_back(g);
                const uint32_t p = m_banks[bank].pc;
                if (id[nb + ng + p] < 0) {
                    id[nb + ng + p] = static_cast<int32_t>(pcs.size());
                    pcs.push_back(p);
                }
            }
        }
        return static_cast<uint32_t>(id[bank]);
    };
    uint32_t last_row = kClosed, last_rid = 0;  // consecutive requests mostly share a row
    auto row_id = [&](uint32_t row) -> uint32_t {
        if (row == last_row) return last_rid;
        for (size_t j = rows.size(); j-- > 0;)
            if (rows[j] == row) {
                last_row = row;
                last_rid = static_cast<uint32_t>(j);
                return last_rid;
            }
        if (rows.size() == RunMemo::kMaxRows || row == kClosed) {
            ok = false;
            return 0;
        }
        rows.push_back(row);
        last_row = row;
        last_rid = static_cast<uint32_t>(rows.size() - 1);
        return last_rid;
    };
    int64_t worst = 0;
    RelTo rel{f, &worst};
    const int64_t ff = f - m_faw;
    RelTo rel_faw{ff, &worst};
    std::vector<uint32_t>& key = memo.m_skey;
    key.clear();
    constexpr size_t kHead = 10;
    key.resize(kHead);
    key[0] = (tail ? 4u : 2u) + (write ? 1u : 0u);  // 0/1: run keys, 2/3: segments, 4/5: tails
    key[1] = m_write_mode ? 1 : 0;
    key[2] = static_cast<uint32_t>(order.size());
    key[3] = static_cast<uint32_t>(r1 - r0);
    key[7] = rel(m_row_bus);
    key[8] = rel(m_col_floor);
    key[9] = rel(m_row_floor);
    key.resize(kHead + 2 * order.size() + 2 * (r1 - r0));
    uint32_t* kw = key.data() + kHead;
    slots.resize(order.size());
    // Per request: bank id << 16 | row id << 3 | flags (row ids < kMaxRows = 64), earliest.
    for (size_t i = 0; i < order.size(); ++i, kw += 2) {
        const int32_t si = order[i].second;
        const Slot& sl = m_slots[si];
        slots[i] = si;
        const uint32_t bid = bank_id(sl.bank);
        const uint32_t rid = row_id(sl.row);
        kw[0] = bid << 16 | rid << 3 | (sl.write ? 1u : 0u) | (sl.counted ? 2u : 0u) |
                (m_banks[sl.bank].active == si ? 4u : 0u);
        kw[1] = rel(sl.earliest);
    }
    for (size_t r = r0; r < r1 && ok; ++r, kw += 2) {
        const uint32_t bid = bank_id(static_cast<uint32_t>(bin[r].key >> 32));
        const uint32_t rid = row_id(static_cast<uint32_t>(bin[r].key));
        if (bin[r].count >= (uint64_t(1) << 32)) ok = false;
        kw[0] = bid << 16 | rid;
        kw[1] = static_cast<uint32_t>(bin[r].count);
    }
    ok = ok && banks.size() < (1u << 16) && rows.size() < (1u << 16);
    if (ok) {
        key[4] = static_cast<uint32_t>(banks.size());
        key[5] = static_cast<uint32_t>(groups.size());
        key[6] = static_cast<uint32_t>(pcs.size());
        append_key_state(key, banks, groups, pcs, rows, id, rel, rel_faw);
    }
    for (const uint32_t b : banks) id[b] = -1;
    for (const uint32_t g : groups) id[nb + g] = -1;
    for (const uint32_t p : pcs) id[nb + ng + p] = -1;
    return ok && worst < (int64_t(1) << 31);
}

bool Channel::seg_final(RunMemo& memo, int64_t f, int64_t f2, uint64_t seq0, size_t level,
                        std::vector<uint32_t>& out) {
    // Layout: F' − F, write mode, row bus, column floor, row floor (relative to F', clamped),
    // request count; per request (oldest first) bank id << 16 | row id, flags, earliest, seq −
    // seq0; the key banks and groups as encode_state_banks_groups writes them; per PC
    // rd/wr/act_ok, FAW ring, act_block, ref_y, preab_y (0: not raised, else 1 + X − F').
    const std::vector<uint32_t>& rows = memo.m_srows;
    const std::vector<uint32_t>& banks = memo.m_sbanks;
    std::vector<int32_t>& id = memo.m_sid;
    auto& order = memo.m_sorder;
    order.clear();
    for (size_t w = 0; w < m_pending.size(); ++w) {
        for (uint64_t bits = m_pending[w]; bits; bits &= bits - 1) {
            const uint32_t bi =
                static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
            const Bank& b = m_banks[bi];
            if (b.active >= 0) order.emplace_back(m_slots[b.active].seq, b.active);
            for (int k = 0; k < 2; ++k)
                for (int32_t i = b.head[k]; i >= 0; i = m_slots[i].next)
                    order.emplace_back(m_slots[i].seq, i);
        }
    }
    sort_by_age(order, memo.m_sbucket);
    int64_t worst = f2 - f;
    if (worst < 0) return false;
    RelTo rel{f2, &worst};
    const int64_t ff = f2 - m_faw;
    RelTo rel_faw{ff, &worst};
    out.clear();
    out.push_back(static_cast<uint32_t>(f2 - f));
    out.push_back(m_write_mode ? 1 : 0);
    out.push_back(rel(m_row_bus));
    out.push_back(rel(m_col_floor));
    out.push_back(rel(m_row_floor));
    out.push_back(static_cast<uint32_t>(order.size()));
    for (size_t i = 0; i < banks.size(); ++i) id[banks[i]] = static_cast<int32_t>(i);
    bool ok = true;
    for (const auto& o : order) {
        const Slot& sl = m_slots[o.second];
        const int32_t bid = id[sl.bank];
        uint32_t rid = UINT32_MAX;
        for (size_t j = 0; j < rows.size(); ++j)
            if (rows[j] == sl.row) rid = static_cast<uint32_t>(j);
        const int64_t ds = static_cast<int64_t>(sl.seq) - static_cast<int64_t>(seq0);
        if (bid < 0 || rid == UINT32_MAX || ds < INT32_MIN || ds > INT32_MAX) {
            ok = false;
            break;
        }
        out.push_back(static_cast<uint32_t>(bid) << 16 | rid);
        out.push_back((sl.write ? 1u : 0u) | (sl.counted ? 2u : 0u) |
                      (m_banks[sl.bank].active == o.second ? 4u : 0u));
        out.push_back(rel(sl.earliest));
        out.push_back(static_cast<uint32_t>(static_cast<int32_t>(ds)));
    }
    for (const uint32_t b : banks) id[b] = -1;
    if (!ok) return false;
    encode_state_banks_groups(out, banks, memo.m_sgroups, rows, rel);
    for (const uint32_t pi : memo.m_spcs) {
        const Pc& p = m_pcs[pi];
        out.push_back(rel(p.rd_ok));
        out.push_back(rel(p.wr_ok));
        out.push_back(rel(p.act_ok));
        for (uint32_t j = 0; j < 4; ++j) out.push_back(rel_faw(p.faw[(p.faw_i + j) & 3]));
        out.push_back(rel(p.act_block));
        out.push_back(p.ref_y[level] == kNoX ? 0 : 1 + rel(p.ref_y[level]));
        out.push_back(p.preab_y[level] == kNoX ? 0 : 1 + rel(p.preab_y[level]));
        if (m_sid_r)
            for (uint32_t si = 0; si < m_sids; ++si) out.push_back(rel(m_sid_rd[pi * m_sids + si]));
    }
    return worst < (int64_t(1) << 31);
}

void Channel::seg_apply(RunMemo& memo, const RunMemo::Entry& e, int64_t f, uint64_t seq0,
                        uint64_t n, const uint32_t** ext) {
    const uint32_t* s = memo.state_of(e);
    const std::vector<uint32_t>& rows = memo.m_srows;
    const std::vector<uint32_t>& banks = memo.m_sbanks;
    const int64_t f2 = f + s[0];
    const int64_t ff = f2 - m_faw;
    m_write_mode = s[1] != 0;
    m_row_bus = f2 + s[2];
    m_col_floor = f2 + s[3];
    m_row_floor = f2 + s[4];
    const uint32_t nreq = s[5];
    const uint32_t* req = s + 6;
    s = req + 4 * static_cast<size_t>(nreq);
    // Free the current requests (all in key banks).
    for (const int32_t i : memo.m_sslots) m_free.push_back(i);
    m_requests -= memo.m_sslots.size();
    for (const uint32_t bi : banks) {
        Bank& b = m_banks[bi];
        if (b.active >= 0) {
            --m_pcs[b.pc].active;
            b.active = -1;
        }
        m_queued[0] -= b.count[0];
        m_queued[1] -= b.count[1];
        b.head[0] = b.head[1] = b.tail[0] = b.tail[1] = -1;
        b.count[0] = b.count[1] = 0;
        b.hits[0] = b.hits[1] = 0;
    }
    s = decode_state_banks_groups(s, banks, memo.m_sgroups, rows, f2);
    for (const uint32_t pi : memo.m_spcs) {
        Pc& p = m_pcs[pi];
        p.rd_ok = f2 + s[0];
        p.wr_ok = f2 + s[1];
        p.act_ok = f2 + s[2];
        for (uint32_t j = 0; j < 4; ++j) p.faw[j] = ff + s[3 + j];
        p.faw_i = 0;
        p.act_block = f2 + s[7];
        if (s[8] != 0) raise_ref(p, f2 + s[8] - 1);
        if (s[9] != 0) raise_preab(p, f2 + s[9] - 1);
        s += 10;
        if (m_sid_r)
            for (uint32_t si = 0; si < m_sids; ++si) m_sid_rd[pi * m_sids + si] = f2 + *s++;
    }
    if (ext != nullptr) *ext = s;  // a refresh segment's part follows
    // The requests at the end of the segment, oldest first (list order = age order).
    for (uint32_t j = 0; j < nreq; ++j, req += 4) {
        const int32_t si = m_free.back();
        m_free.pop_back();
        Slot& sl = m_slots[si];
        const uint32_t bi = banks[req[0] >> 16];
        Bank& b = m_banks[bi];
        sl.seq = static_cast<uint64_t>(static_cast<int64_t>(seq0) +
                                       static_cast<int32_t>(req[3]));
        sl.tag = 0;
        sl.earliest = f2 + req[2];
        sl.row = rows[req[0] & 0xFFFF];
        sl.bank = bi;
        sl.write = (req[1] & 1) != 0;
        sl.counted = (req[1] & 2) != 0;
        sl.prev = sl.next = -1;
        if (req[1] & 4) {
            b.active = si;
            ++m_pcs[b.pc].active;
        } else {
            const int k = sl.write ? 1 : 0;
            sl.prev = b.tail[k];
            if (b.tail[k] >= 0)
                m_slots[b.tail[k]].next = si;
            else
                b.head[k] = si;
            b.tail[k] = si;
            ++b.count[k];
            b.hits[k] += sl.row == b.open_row ? 1u : 0u;  // open_row is final (banks above)
            ++m_queued[k];
        }
        ++m_requests;
    }
    for (const uint32_t bi : banks) {
        update_pending(bi);
        refresh_bank(bi);
    }
    for (const uint32_t pi : memo.m_spcs) update_gparts(pi, true, true);
    invalidate_all();
    m_seq = seq0 + n;
    add_to(*m_counters, e.delta);
    if (e.done_rel != kNoRel) m_max_done = max2(m_max_done, f + e.done_rel);
    if (e.last_rel != kNoRel) m_last_cmd = f + e.last_rel;
}

void Channel::mark_key_banks(RunMemo& memo, bool on) {
    if (memo.m_skeybank.size() < m_banks.size()) memo.m_skeybank.assign(m_banks.size(), 0);
    for (const uint32_t b : memo.m_sbanks) memo.m_skeybank[b] = on ? 1 : 0;
}

bool Channel::ref_key(RunMemo& memo, int64_t f) {
    // Appended to a plain segment key (in memo.m_skey, from seg_key at F = f): the refresh
    // deadline − F and, per key PC (all of the channel's), its index (REFabs are served in PC
    // order), ref_ok, preab_ok, preab_block (clamped, relative to F) and whether a bank outside
    // the key is open (then its PREab is needed whatever the key banks do).
    if (!m_refresh_on || ref_pending() || m_next_ref < f || m_next_ref - f >= (int64_t(1) << 31))
        return false;
    const std::vector<uint32_t>& pcs = memo.m_spcs;
    if (pcs.size() != m_pcs.size()) return false;
    std::vector<uint32_t>& key = memo.m_skey;
    key[0] += 6;  // 8/9: refresh segments
    key.push_back(static_cast<uint32_t>(m_next_ref - f));
    int64_t worst = 0;
    RelTo rel{f, &worst};
    mark_key_banks(memo, true);
    const uint32_t n = static_cast<uint32_t>(m_banks.size() / m_pcs.size());
    for (const uint32_t pi : pcs) {
        const Pc& p = m_pcs[pi];
        uint32_t other_open = 0;
        for (uint32_t bi = p.first_bank; bi < p.first_bank + n; ++bi)
            other_open |= (m_banks[bi].open_row != kClosed && !memo.m_skeybank[bi]) ? 1u : 0u;
        key.push_back(pi);
        key.push_back(rel(p.ref_ok));
        key.push_back(rel(p.preab_ok));
        key.push_back(rel(p.preab_block));
        key.push_back(other_open);
    }
    mark_key_banks(memo, false);
    return worst < (int64_t(1) << 31);
}

bool Channel::ref_final(RunMemo& memo, int64_t f, int64_t f2, std::vector<uint32_t>& out) {
    // Appended to a plain segment's final state: per key PC ref_ok, preab_ok, preab_block
    // (relative to F', clamped) and its PREab cycle in the segment (0: none, else 1 + t − F).
    int64_t worst = 0;
    RelTo rel{f2, &worst};
    for (const uint32_t pi : memo.m_spcs) {
        const Pc& p = m_pcs[pi];
        out.push_back(rel(p.ref_ok));
        out.push_back(rel(p.preab_ok));
        out.push_back(rel(p.preab_block));
        const int64_t x = p.preab_at >= f ? p.preab_at - f + 1 : 0;
        worst = x > worst ? x : worst;
        out.push_back(static_cast<uint32_t>(x));
    }
    return worst < (int64_t(1) << 31);
}

void Channel::ref_apply(RunMemo& memo, const uint32_t* s, int64_t f, int64_t f2) {
    // After seg_apply (key banks, groups, PCs, requests): the PCs' refresh timers, and the banks
    // outside the key that the PREab closed (close_bank without counting: the PREab's precharge
    // is in the counters' delta).
    mark_key_banks(memo, true);
    const uint32_t n = static_cast<uint32_t>(m_banks.size() / m_pcs.size());
    for (const uint32_t pi : memo.m_spcs) {
        Pc& p = m_pcs[pi];
        if (s[3] != 0) {
            const int64_t t = f + s[3] - 1;
            p.preab_at = t;
            for (uint32_t bi = p.first_bank; bi < p.first_bank + n; ++bi)
                if (!memo.m_skeybank[bi] && m_banks[bi].open_row != kClosed)
                    close_bank(m_banks[bi], t, false);
        }
        p.ref_ok = f2 + s[0];
        p.preab_ok = f2 + s[1];
        p.preab_block = f2 + s[2];
        s += 4;
    }
    mark_key_banks(memo, false);
    m_next_ref += m_refi;
}

void Channel::feed(const BinRun* bin, size_t runs, bool write, int64_t& arrive, RunMemo* memo,
                   bool drain_after) {
    const bool seg_on = memo != nullptr && !m_record && m_log == nullptr && m_qlog == nullptr;
    constexpr size_t kL = RunMemo::kLevels, kBottom = kL - 1;
    // Per level ("Segment levels" above): the next point at which a segment of the level is
    // looked up, and the segment being stored: by simulation at the bottom level, from the
    // replays inside it at the others (clean: every part replayed).
    struct Level {
        size_t next = 0, end = 0;
        bool on = false, clean = false, tail = false, refresh = false;
        size_t plain_len = 0;  // refresh segment: its plain key's length (0: not to be stored)
        uint64_t plain_h = 0;
        int64_t f = 0, next_ref = 0, max = -1, last = -1;
        uint64_t seq = 0, h = 0;
        Counters before;
    };
    Level lv[kL];
    size_t next_try = 0;
    auto finish = [&](const Level& l, int64_t done, int64_t last) {
        RunMemo::Entry e;
        e.done_rel = done >= 0 ? done - l.f : kNoRel;
        e.last_rel = last == kNoRel ? kNoRel : last - l.f;
        e.delta = *m_counters - l.before;
        memo->insert(l.h, memo->m_skey, e, memo->m_sstate);
    };
    // Starts storing the segment whose key is in the memo's scratch, at level k.
    auto begin_store = [&](size_t k, int64_t f, uint64_t h, size_t end_run, bool tail) {
        Level& l = lv[k];
        l.on = true;
        l.clean = true;
        l.tail = tail;
        l.refresh = false;
        l.end = end_run;
        l.f = f;
        l.seq = m_seq;
        l.h = h;
        l.before = *m_counters;
        l.next_ref = m_next_ref;
        l.max = m_max_done;
        l.last = m_last_cmd;
        m_max_done = -1;
        m_last_cmd = kNoRel;
        for (const uint32_t pi : memo->m_spcs) m_pcs[pi].ref_y[k] = m_pcs[pi].preab_y[k] = kNoX;
        if (k != kBottom) memo->swap_scratch(k);  // kept until the segment's end point
    };
    // Ends level k's segment at this point: outputs back, stored if `store`.
    auto end_store = [&](size_t k, bool store, int64_t f2) {
        Level& l = lv[k];
        l.on = false;
        const int64_t done = m_max_done, last = m_last_cmd;
        m_max_done = max2(l.max, done);
        if (last == kNoRel) m_last_cmd = l.last;
        if (!store || ref_pending()) return;
        // A refresh segment: exactly its one refresh triggered and was served; if none did, it is
        // stored under its plain key (ref_key appended to it) when that is wanted.
        bool refreshed = false;
        if (l.refresh && m_next_ref == l.next_ref + m_refi) {
            refreshed = true;
        } else if (l.refresh && m_next_ref == l.next_ref && l.plain_len != 0) {
            memo->m_skey.resize(l.plain_len);
            memo->m_skey[0] -= 6;
            l.h = l.plain_h;
        } else if (l.refresh || m_next_ref != l.next_ref) {
            return;
        }
        if (k != kBottom) memo->swap_scratch(k);
        if (seg_final(*memo, l.f, f2, l.seq, k, memo->m_sstate) &&
            (!refreshed || ref_final(*memo, l.f, f2, memo->m_sstate)))
            finish(l, done, last);
    };
    size_t r = 0;
    uint64_t j = 0;
    while (r < runs) {
        if (bin[r].count == 0) {
            ++r;
            continue;
        }
        if (!has_room(write)) {
            while (!has_room(write)) arrive = max2(arrive, step());
            advance_through(arrive);
        }
        if (seg_on && j == 0 && r >= next_try) {
            // End points, innermost first (each restores the outputs of the one around it).
            for (size_t k = kL; k-- > 0;)
                if (lv[k].on && r >= lv[k].end)
                    end_store(k, (k == kBottom || lv[k].clean) && r == lv[k].end, arrive + 1);
            const int64_t f = arrive + 1;
            bool replayed = false;
            size_t cap = runs;  // the enclosing level's next point: segments nest
            for (size_t k = 0; k < kL && !replayed; ++k) {
                if (r < lv[k].next) {  // inside this level's current segment
                    cap = lv[k].next;
                    continue;
                }
                size_t r1 = r;
                uint64_t n = 0;
                while (r1 < cap && n < RunMemo::kLevelBursts[k] &&
                       r1 - r < RunMemo::kLevelRuns[k])
                    n += bin[r1++].count;
                lv[k].next = r1;
                cap = r1;
                // Only the bottom level has tails (the bin's last segment, drained after).
                const bool tail = k == kBottom && r1 == runs && drain_after;
                if (!(r1 < runs || tail) || ref_pending() ||
                    !seg_key(*memo, bin, r, r1, write, f, tail)) {
                    if (k == kBottom) next_try = r1;
                    continue;
                }
                const uint64_t h = RunMemo::hash(memo->m_skey.data(), memo->m_skey.size());
                const RunMemo::Entry* e = memo->find(h, memo->m_skey);
                if (e != nullptr) {
                    const int64_t f2 = f + memo->state_of(*e)[0];
                    const int64_t upto =
                        e->last_rel == kNoRel ? f2 - 1 : max2(f2 - 1, f + e->last_rel);
                    if (!m_refresh_on || m_next_ref > upto) {
                        seg_apply(*memo, *e, f, m_seq, n);
                        ++memo->m_level_hits[k];
                        arrive = f2 - 1;
                        r = next_try = r1;
                        for (size_t d = k + 1; d < kL; ++d) lv[d].next = r1;
                        replayed = true;
                        break;
                    }
                }
                // At the bottom level, a segment that a refresh deadline falls inside (the stored
                // one reaches it), or may fall inside (none stored, deadline within 8 cycles per
                // burst), is looked up with the refresh in its key ("Refresh segments").
                const size_t plain_len = memo->m_skey.size();
                if (k == kBottom && m_refresh_on &&
                    (e != nullptr || m_next_ref - f <= static_cast<int64_t>(8 * n)) &&
                    ref_key(*memo, f)) {
                    const uint64_t h2 = RunMemo::hash(memo->m_skey.data(), memo->m_skey.size());
                    const RunMemo::Entry* e2 = memo->find(h2, memo->m_skey);
                    if (e2 == nullptr) {
                        ++memo->m_ref_misses;
                        // Stored as a refresh segment if its refresh triggers, else (when no
                        // plain entry exists) as a plain one.
                        begin_store(k, f, h2, r1, tail);
                        lv[k].refresh = true;
                        lv[k].plain_len = e == nullptr ? plain_len : 0;
                        lv[k].plain_h = h;
                    } else {
                        const int64_t g2 = f + memo->state_of(*e2)[0];
                        const int64_t upto2 =
                            e2->last_rel == kNoRel ? g2 - 1 : max2(g2 - 1, f + e2->last_rel);
                        // One refresh only: the next deadline lies beyond the segment.
                        if (m_next_ref + m_refi > upto2) {
                            const uint32_t* ext = nullptr;
                            seg_apply(*memo, *e2, f, m_seq, n, &ext);
                            ref_apply(*memo, ext, f, g2);
                            ++memo->m_ref_hits;
                            arrive = g2 - 1;
                            r = next_try = r1;
                            replayed = true;
                            break;
                        }
                    }
                } else if (e == nullptr) {
                    begin_store(k, f, h, r1, tail);
                }
                ++memo->m_level_misses[k];
                if (k == kBottom) next_try = r1;
            }
            if (replayed) continue;
            // The bottom segment is simulated: no level around it is clean any more.
            for (size_t k = 0; k < kBottom; ++k) lv[k].clean = false;
        }
        const uint32_t bank = static_cast<uint32_t>(bin[r].key >> 32);
        const uint32_t row = static_cast<uint32_t>(bin[r].key);
        enqueue(bank, row, write, arrive, 0);
        if (++j == bin[r].count) {
            ++r;
            j = 0;
        }
    }
    Level& b = lv[kBottom];
    if (b.on && b.tail) {
        // The tail: drain, then store with F' = min(column floor, row floor) (every later command
        // issues at >= F', "Tail memo" above) when no refresh triggered.
        drain();
        const int64_t f2 = std::min(m_col_floor, m_row_floor);
        end_store(kBottom, m_requests == 0, f2);
        arrive = f2 - 1;
    }
    // Not reached (only tails end at the bin's end), kept for safety: outputs as simulated.
    for (size_t k = kL; k-- > 0;)
        if (lv[k].on) end_store(k, false, 0);
}

}  // namespace qasim::models::dram

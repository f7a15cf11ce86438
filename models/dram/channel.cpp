#include "models/dram/channel.h"

#include <algorithm>
#include <stdexcept>

namespace qasim::models::dram {
namespace {

inline int64_t max2(int64_t a, int64_t b) { return a > b ? a : b; }
inline int64_t max3(int64_t a, int64_t b, int64_t c) { return max2(max2(a, b), c); }

}  // namespace

Channel::Channel(const Spec& spec, const ControllerConfig& ctrl, Counters* counters, std::vector<Completion>* sink)
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
    if (m_depth[0] == 0 || m_depth[1] == 0) throw std::invalid_argument("DRAM channel: queue depths must be >= 1");
    m_high = ctrl.write_high_watermark;
    m_low = ctrl.write_low_watermark;
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
    m_pending.assign((banks + 63) / 64, 0);
    const size_t slots = m_depth[0] + m_depth[1] + banks;
    m_slots.resize(slots);
    m_free.reserve(slots);
    for (size_t i = slots; i-- > 0;) m_free.push_back(static_cast<int32_t>(i));
    m_ref_fifo.reserve(64);
}

void Channel::enqueue(uint32_t bank, uint32_t row, bool write, int64_t arrive, uint64_t tag) {
    if (m_free.empty() || !has_room(write)) throw std::logic_error("DRAM channel: enqueue into a full queue");
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
    sl.prev = b.tail[k];
    sl.next = -1;
    if (b.tail[k] >= 0) m_slots[b.tail[k]].next = s;
    else b.head[k] = s;
    b.tail[k] = s;
    ++b.count[k];
    if (b.open_row == row) ++b.hits[k];
    ++m_queued[k];
    ++m_requests;
    m_pending[bank >> 6] |= 1ull << (bank & 63);
    // Everything up to `arrive` has issued (precondition), so nothing may issue before arrive + 1.
    m_col_floor = max2(m_col_floor, arrive + 1);
    m_row_floor = max2(m_row_floor, arrive + 1);
    // Keep the cached candidates: the new burst can only add a candidate of its own bank.
    if (!m_col_ok && !m_row_ok) return;
    if (choose().time <= arrive) {
        invalidate();
        return;
    }
    if (ref_pending()) return;  // no new request starts while a refresh is pending
    const bool mode = next_write_mode();
    if (mode != m_bests.mode) {
        invalidate();
        return;
    }
    if (write != mode) return;
    if (b.open_row != kClosed) {
        if (b.open_row == row) {
            if (b.hits[k] == 1) {
                if (m_col_ok) eval_col(bank, mode, false, m_bests);
                // A first hit holds back the PRE of this bank (row hits first).
                if (m_cap != 0 && m_row_ok && m_bests.row.kind == kPre && m_bests.row.bank == bank) m_row_ok = false;
            }
        } else if (b.count[k] - b.hits[k] == 1 && m_row_ok) {
            eval_row(bank, mode, m_bests);
        }
    } else if (b.count[k] == 1 && m_row_ok) {
        eval_row(bank, mode, m_bests);
    }
}

void Channel::unlink(int32_t s) {
    Slot& sl = m_slots[s];
    Bank& b = m_banks[sl.bank];
    const int k = sl.write ? 1 : 0;
    if (sl.prev >= 0) m_slots[sl.prev].next = sl.next;
    else b.head[k] = sl.next;
    if (sl.next >= 0) m_slots[sl.next].prev = sl.prev;
    else b.tail[k] = sl.prev;
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
    if (b.active >= 0 || b.count[0] + b.count[1] > 0) m_pending[bank >> 6] |= bit;
    else m_pending[bank >> 6] &= ~bit;
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
    p.ref_ok = max2(p.ref_ok, pre_time + m_rp);
    if (count_it) ++m_counters->precharges;
}

bool Channel::next_write_mode() const {
    // Ramulator ControllerBase::set_write_mode: enter write drain above the high watermark or when
    // no read waits; leave it below the low watermark when reads wait.
    const double wq = static_cast<double>(m_queued[1]);
    const double depth = static_cast<double>(m_depth[1]);
    if (!m_write_mode) return wq > m_high * depth || m_queued[0] == 0;
    return !(wq < m_low * depth && m_queued[0] != 0);
}

int64_t Channel::column_ready(const Bank& b, bool write) const {
    const Group& g = m_groups[b.group];
    const Pc& p = m_pcs[b.pc];
    return write ? max3(b.wr_ok, g.wr_ok, p.wr_ok) : max3(b.rd_ok, g.rd_ok, p.rd_ok);
}

void Channel::eval_col(uint32_t bi, bool mode, bool ref_pending, Bests& out) const {
    const Bank& b = m_banks[bi];
    if (b.active >= 0) {
        const Slot& s = m_slots[b.active];
        Cand c;
        c.time = max3(column_ready(b, s.write), s.earliest, m_col_floor);
        c.seq = s.seq;
        if (better(c, out.act_col)) {
            c.kind = s.write ? kWr : kRd;
            c.slot = b.active;
            c.bank = bi;
            c.from_active = true;
            out.act_col = c;
        }
    }
    const int k = mode ? 1 : 0;
    if (ref_pending || b.hits[k] == 0 || b.open_row == kClosed) return;
    int32_t i = b.head[k];
    while (m_slots[i].row != b.open_row) i = m_slots[i].next;
    const Slot& s = m_slots[i];
    Cand c;
    c.time = max3(column_ready(b, mode), s.earliest, m_col_floor);
    c.seq = s.seq;
    if (better(c, out.hit_col)) {
        c.kind = mode ? kWr : kRd;
        c.slot = i;
        c.bank = bi;
        out.hit_col = c;
    }
}

void Channel::eval_row(uint32_t bi, bool mode, Bests& out) const {
    const Bank& b = m_banks[bi];
    const int k = mode ? 1 : 0;
    if (b.count[k] == 0) return;
    Cand c;
    if (b.open_row != kClosed) {
        const uint32_t hits = b.hits[k];
        // PRE for the oldest request to another row: never under an active request, and (row hits
        // first) not while younger hits wait unless row_hit_cap hits have bypassed it.
        if (b.count[k] == hits || b.active >= 0 || (m_cap != 0 && hits != 0 && b.bypassed < m_cap)) return;
        int32_t i = b.head[k];
        while (m_slots[i].row == b.open_row) i = m_slots[i].next;
        const Slot& s = m_slots[i];
        c.time = max2(max3(b.pre_ok, m_row_bus, s.earliest), m_row_floor);
        c.seq = s.seq;
        c.kind = kPre;
        c.slot = i;
    } else {
        const Slot& s = m_slots[b.head[k]];
        const Group& g = m_groups[b.group];
        const Pc& p = m_pcs[b.pc];
        c.time = max2(max3(b.act_ok, g.act_ok, p.act_ok),
                      max3(max2(p.faw[p.faw_i] + m_faw, p.act_block), max2(m_row_bus, m_row_floor), s.earliest));
        c.seq = s.seq;
        c.kind = kAct;
        c.slot = b.head[k];
    }
    if (better(c, out.row)) {
        c.bank = bi;
        out.row = c;
    }
}

void Channel::eval_refresh(Bests& out) const {
    const uint32_t pi = m_ref_fifo[m_ref_head];
    const Pc& p = m_pcs[pi];
    Cand c;
    c.seq = 0;
    c.pc = pi;
    if (p.open_banks > 0) {
        if (p.active != 0) return;  // the PREab waits for the active requests of this pseudo-channel
        c.time = max2(max2(p.preab_ok, p.preab_block), max2(m_row_bus, m_row_floor));
        c.kind = kPreAb;
    } else {
        c.time = max3(p.ref_ok, m_row_bus, m_row_floor);
        c.kind = kRef;
    }
    out.row = c;
}

void Channel::ensure_bests() {
    if (m_col_ok && m_row_ok) return;
    const bool rp = ref_pending();
    // The read/write mode is evaluated only when no refresh is pending (as Ramulator does).
    const bool mode = rp ? m_write_mode : next_write_mode();
    if ((m_col_ok || m_row_ok) && mode != m_bests.mode) m_col_ok = m_row_ok = false;
    m_bests.mode = mode;
    const bool do_col = !m_col_ok, do_row = !m_row_ok;
    if (do_col) m_bests.act_col = m_bests.hit_col = Cand();
    if (do_row) m_bests.row = Cand();
    for (size_t w = 0; w < m_pending.size(); ++w) {
        uint64_t bits = m_pending[w];
        while (bits) {
            const uint32_t bi = static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
            bits &= bits - 1;
            if (do_col) eval_col(bi, mode, rp, m_bests);
            if (do_row && !rp) eval_row(bi, mode, m_bests);
        }
    }
    if (do_row && rp) eval_refresh(m_bests);
    m_col_ok = m_row_ok = true;
}

const Channel::Cand& Channel::choose() const {
    // Column slot first (an active request before a plain row hit), then the row slot.
    const Cand& col = m_bests.act_col.time <= m_bests.hit_col.time ? m_bests.act_col : m_bests.hit_col;
    return (col.kind != kNone && col.time <= m_bests.row.time) ? col : m_bests.row;
}

void Channel::issue(const Cand& d) {
    const int64_t t = d.time;
    m_write_mode = m_bests.mode;
    Counters& c = *m_counters;
    switch (d.kind) {
    case kRd:
    case kWr: {
        const int32_t s = d.slot;
        Slot& sl = m_slots[s];
        Bank& b = m_banks[d.bank];
        Group& g = m_groups[b.group];
        Pc& p = m_pcs[b.pc];
        if (d.from_active) {
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
            b.pre_ok = max2(b.pre_ok, t + m_rtp);
            p.preab_ok = max2(p.preab_ok, t + m_rtp);
            done = t + m_cl + m_bl;
            ++c.read_bursts;
        } else {
            p.wr_ok = max2(p.wr_ok, t + std::max(m_bl, m_ccd_s));
            p.rd_ok = max2(p.rd_ok, t + m_cwl + m_bl + m_wtr_s);
            g.wr_ok = max2(g.wr_ok, t + m_ccd_l);
            g.rd_ok = max2(g.rd_ok, t + m_cwl + m_bl + m_wtr_l);
            b.pre_ok = max2(b.pre_ok, t + m_cwl + m_bl + m_wr);
            p.preab_ok = max2(p.preab_ok, t + m_cwl + m_bl + m_wr);
            done = t + m_cwl + m_bl;
            ++c.write_bursts;
        }
        // A hit served while an older request to another row of this bank waits.
        if (b.count[0] + b.count[1] > b.hits[0] + b.hits[1]) ++b.bypassed;
        if (done > m_max_done) m_max_done = done;
        if (m_record) m_sink->push_back({sl.tag, done, sl.write});
        release(s);
        // Closed page: precharge automatically (RDA/WRA) unless another request wants this row.
        if (m_closed_page && b.active < 0 && b.hits[0] + b.hits[1] == 0) close_bank(b, b.pre_ok, true);
        update_pending(d.bank);
        m_col_floor = t + 1;
        m_row_floor = max2(m_row_floor, t);
        // Column candidates all moved (floor, bus, tCCD); the row candidates only in this bank.
        m_col_ok = false;
        if (ref_pending() || next_write_mode() != m_bests.mode) {
            m_row_ok = false;
        } else if (m_row_ok) {
            if (m_bests.row.kind != kNone && m_bests.row.bank == d.bank) m_row_ok = false;
            else eval_row(d.bank, m_bests.mode, m_bests);
        }
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
        p.preab_ok = max2(p.preab_ok, t + m_ras + m_adj);
        p.ref_ok = max2(p.ref_ok, t + m_rc + m_adj);
        g.act_ok = max2(g.act_ok, t + m_rrd_l);
        p.act_ok = max2(p.act_ok, t + m_rrd_s);
        p.faw[p.faw_i] = t;
        p.faw_i = (p.faw_i + 1) & 3;
        ++c.acts;
        // Row candidates moved (bus, tRRD, tFAW); column candidates only gain this bank's.
        m_row_ok = false;
        if (next_write_mode() != m_bests.mode) m_col_ok = false;
        else if (m_col_ok) eval_col(d.bank, m_bests.mode, false, m_bests);
        break;
    }
    case kPre: {
        Slot& sl = m_slots[d.slot];
        if (!sl.counted) {
            ++c.row_conflicts;
            sl.counted = true;
        }
        close_bank(m_banks[d.bank], t, true);
        m_row_bus = t + 1;
        m_row_ok = false;
        if (m_bests.hit_col.kind != kNone && m_bests.hit_col.bank == d.bank) m_col_ok = false;
        break;
    }
    case kPreAb: {
        Pc& p = m_pcs[d.pc];
        const uint32_t n = static_cast<uint32_t>(m_banks.size() / m_pcs.size());
        for (uint32_t bi = p.first_bank; bi < p.first_bank + n; ++bi)
            if (m_banks[bi].open_row != kClosed) close_bank(m_banks[bi], t, false);
        ++c.precharges;
        m_row_bus = t + 1;
        invalidate();
        break;
    }
    case kRef: {
        Pc& p = m_pcs[d.pc];
        p.act_block = t + m_rfc - m_adj;
        p.preab_block = t + m_rfc;
        ++c.refreshes;
        ++m_ref_head;
        if (m_ref_head == m_ref_fifo.size()) {
            m_ref_fifo.clear();
            m_ref_head = 0;
        }
        m_row_bus = t + 1;
        invalidate();
        break;
    }
    case kNone:
        return;
    }
    m_row_floor = t + 1;
    m_col_floor = max2(m_col_floor, t + 1);
}

void Channel::trigger_refresh() {
    for (uint32_t p = 0; p < m_pcs.size(); ++p) m_ref_fifo.push_back(p);
    m_next_ref += m_refi;
    invalidate();
}

int64_t Channel::step_until(int64_t limit) {
    for (;;) {
        ensure_bests();
        const Cand d = choose();
        if (m_refresh_on && m_next_ref <= limit && m_next_ref <= d.time) {
            trigger_refresh();
            continue;
        }
        if (d.kind == kNone || d.time > limit) return -1;
        issue(d);
        return d.time;
    }
}

void Channel::advance_through(int64_t t) {
    while (step_until(t) >= 0) {
    }
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

}  // namespace qasim::models::dram

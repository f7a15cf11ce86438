// Each timing constraint in isolation: a few bursts into one channel and the cycles of the
// commands the controller issues (command log). Isolation specs use a one-cycle ACT so that the
// gaps equal the JEDEC parameters; the last tests check the two-cycle ACT offsets of HBM2.
#include <gtest/gtest.h>

#include <algorithm>

#include "dram_test_util.h"

namespace qasim::models::dram {
namespace {

using testing::isolation_spec;
using testing::Rig;
using K = CommandRecord::Kind;

TEST(DramTiming, TrcdReadAndWrite) {
    Rig r(isolation_spec());
    r.put(0, 0, 0, 5, false, 0);
    r.run();
    ASSERT_EQ(r.times(K::act).size(), 1u);
    EXPECT_EQ(r.times(K::act)[0], 1);  // a burst accepted at cycle 0 is scheduled from cycle 1
    EXPECT_EQ(r.times(K::rd)[0] - r.times(K::act)[0], 14);
    Rig w(isolation_spec());
    w.put(0, 0, 0, 5, true, 0);
    w.run();
    EXPECT_EQ(w.times(K::wr)[0] - w.times(K::act)[0], 12);
}

TEST(DramTiming, TrasThenTrp) {
    Rig r(isolation_spec());
    r.put(0, 0, 0, 5, false, 0);
    r.put(0, 0, 0, 6, false, 0);  // same bank, other row: a conflict
    r.run();
    const auto act = r.times(K::act), pre = r.times(K::pre);
    ASSERT_EQ(act.size(), 2u);
    ASSERT_EQ(pre.size(), 1u);
    EXPECT_EQ(pre[0] - act[0], 34);  // tRAS (RD + tRTP = 20 is earlier)
    EXPECT_EQ(act[1] - pre[0], 14);  // tRP
    EXPECT_EQ(r.dram->counters().row_misses, 1u);
    EXPECT_EQ(r.dram->counters().row_conflicts, 1u);
}

TEST(DramTiming, TrcBetweenTwoActivatesToOneBank) {
    Spec s = isolation_spec();
    s.timing.rc = 60;  // > tRAS + tRP, so tRC alone sets the gap
    Rig r(s);
    r.put(0, 0, 0, 5, false, 0);
    r.put(0, 0, 0, 6, false, 0);
    r.run();
    const auto act = r.times(K::act);
    ASSERT_EQ(act.size(), 2u);
    EXPECT_EQ(act[1] - act[0], 60);
    EXPECT_GT(act[1] - r.times(K::pre)[0], 14);
}

TEST(DramTiming, TrrdShortAndLong) {
    Spec s = isolation_spec();
    s.timing.rrd_s = 4;
    s.timing.rrd_l = 6;
    Rig same(s);
    same.put(0, 0, 0, 5, false, 0);
    same.put(0, 0, 1, 5, false, 0);  // same bank group
    same.run();
    EXPECT_EQ(same.times(K::act)[1] - same.times(K::act)[0], 6);
    Rig other(s);
    other.put(0, 0, 0, 5, false, 0);
    other.put(0, 1, 0, 5, false, 0);  // other bank group
    other.run();
    EXPECT_EQ(other.times(K::act)[1] - other.times(K::act)[0], 4);
    Rig pcs(s);
    pcs.put(0, 0, 0, 5, false, 0);
    pcs.put(1, 0, 0, 5, false, 0);  // other pseudo-channel: only the row bus separates them
    pcs.run();
    EXPECT_EQ(pcs.times(K::act)[1] - pcs.times(K::act)[0], 1);
}

TEST(DramTiming, FourActivatesWithinTfawPerPseudoChannel) {
    Spec s = isolation_spec();
    s.timing.rrd_s = s.timing.rrd_l = 2;
    s.timing.faw = 20;
    Rig r(s);
    for (uint32_t i = 0; i < 5; ++i) r.put(0, i % 4, i / 4, 5, false, 0);
    r.run();
    const auto act = r.times(K::act);
    ASSERT_EQ(act.size(), 5u);
    EXPECT_EQ(act[1] - act[0], 2);
    EXPECT_EQ(act[3] - act[0], 6);
    EXPECT_EQ(act[4] - act[0], 20);  // the fifth waits for the window
    // The window is per pseudo-channel: a fifth ACT in the other one is not held.
    Rig q(s);
    for (uint32_t i = 0; i < 4; ++i) q.put(0, i, 0, 5, false, 0);
    q.put(1, 0, 0, 5, false, 0);
    q.run();
    EXPECT_LT(q.times(K::act)[4] - q.times(K::act)[0], 20);
}

TEST(DramTiming, TccdShortAndLong) {
    Spec s = isolation_spec();
    s.timing.ccd_s = 3;  // above the 2-cycle burst so that tCCD_S is visible
    Rig r(s);
    r.put(0, 0, 0, 5, false, 0);
    r.put(0, 1, 0, 5, false, 0);
    r.run();  // both rows open now
    r.log.clear();
    r.put(0, 0, 0, 5, false, 100);
    r.put(0, 0, 0, 5, false, 100);
    r.run();
    auto rd = r.times(K::rd);
    ASSERT_EQ(rd.size(), 2u);
    EXPECT_EQ(rd[0], 101);
    EXPECT_EQ(rd[1] - rd[0], 4);  // same bank group: tCCD_L
    r.log.clear();
    r.put(0, 0, 0, 5, false, 200);
    r.put(0, 1, 0, 5, false, 200);
    r.run();
    rd = r.times(K::rd);
    ASSERT_EQ(rd.size(), 2u);
    EXPECT_EQ(rd[1] - rd[0], 3);  // other bank group: tCCD_S
    EXPECT_EQ(r.dram->counters().row_hits, 4u);
}

TEST(DramTiming, TccdROtherStackId) {
    // Two SIDs per pseudo-channel: a RD holds back RDs to the other SID by tCCD_R (3, HBM3's),
    // RDs to another bank group of its own SID by max(BL, tCCD_S) (2); writes have no tCCD_R.
    Spec s = isolation_spec();
    s.org.sids = 2;
    s.default_map = "RoBaBgSiPcCo4ChCo1";
    s.timing.ccd_r = 3;
    for (const bool write : {false, true}) {
        Rig r(s);
        r.put(0, 0, 0, 5, write, 0, 0);
        r.put(0, 0, 0, 5, write, 0, 1);
        r.put(0, 1, 0, 5, write, 0, 0);
        r.run();  // three rows open now
        auto col = [&] { return r.times(write ? K::wr : K::rd); };
        r.log.clear();
        r.put(0, 0, 0, 5, write, 200, 0);
        r.put(0, 0, 0, 5, write, 200, 1);
        r.run();
        ASSERT_EQ(col().size(), 2u);
        EXPECT_EQ(col()[1] - col()[0], write ? 2 : 3) << "other SID, write " << write;
        r.log.clear();
        r.put(0, 0, 0, 5, write, 300, 0);
        r.put(0, 1, 0, 5, write, 300, 0);
        r.run();
        ASSERT_EQ(col().size(), 2u);
        EXPECT_EQ(col()[1] - col()[0], 2) << "same SID, other bank group, write " << write;
    }
    // tCCD_R <= tCCD_S adds nothing (the HBM2/HBM2E presets: one SID anyway).
    s.timing.ccd_r = 1;
    Rig r(s);
    r.put(0, 0, 0, 5, false, 0, 0);
    r.put(0, 0, 0, 5, false, 0, 1);
    r.run();
    r.log.clear();
    r.put(0, 0, 0, 5, false, 200, 0);
    r.put(0, 0, 0, 5, false, 200, 1);
    r.run();
    ASSERT_EQ(r.times(K::rd).size(), 2u);
    EXPECT_EQ(r.times(K::rd)[1] - r.times(K::rd)[0], 2);
}

TEST(DramTiming, TwtrShortAndLong) {
    const Spec s = isolation_spec();
    for (uint32_t read_bg : {1u, 0u}) {
        Rig r(s);
        r.put(0, 1, 0, 5, false, 0);  // open bank group 1
        r.run();
        r.put(0, 0, 0, 5, true, 30);  // a write in bank group 0
        r.run();
        const int64_t wr = r.times(K::wr)[0];
        r.put(0, read_bg, 0, 5, false, wr + 1);  // a hit right after the write
        r.run();
        const int64_t rd = r.times(K::rd).back();
        const int64_t wtr = read_bg == 0 ? 8 : 6;                          // tWTR_L : tWTR_S
        EXPECT_EQ(rd - wr, 5 + 2 + wtr) << "read bank group " << read_bg;  // tCWL + burst + tWTR
    }
}

TEST(DramTiming, ReadToWriteTurnaround) {
    Rig r(isolation_spec());
    r.put(0, 1, 0, 5, false, 0);
    r.run();
    const int64_t rd = r.times(K::rd)[0];
    r.put(0, 1, 0, 5, true, rd);  // a write hit issued right after the read
    r.run();
    EXPECT_EQ(r.times(K::wr)[0] - rd, 13);  // tRTW = CL + BL + 2 − CWL
}

TEST(DramTiming, TwrBeforePrecharge) {
    Spec s = isolation_spec();
    s.timing.wr = 20;
    Rig r(s);
    r.put(0, 0, 0, 5, true, 0);
    r.put(0, 0, 0, 6, true, 0);
    r.run();
    EXPECT_EQ(r.times(K::pre)[0] - r.times(K::wr)[0], 5 + 2 + 20);  // tCWL + burst + tWR
}

TEST(DramTiming, RefreshEveryTrefiPerPseudoChannel) {
    Rig r(isolation_spec(), /*refresh=*/true);
    r.dram->channel(0).advance_through(3 * 3900 + 10);
    const auto ref = r.times(K::ref);
    ASSERT_EQ(ref.size(), 6u);
    for (int k = 0; k < 3; ++k) {
        EXPECT_EQ(ref[2 * k], 3900 * (k + 1));          // pseudo-channel 0
        EXPECT_EQ(ref[2 * k + 1], 3900 * (k + 1) + 1);  // then pseudo-channel 1
    }
    EXPECT_EQ(r.dram->counters().refreshes, 6u);
}

TEST(DramTiming, RefreshBlocksForTrfc) {
    Rig r(isolation_spec(), true);
    r.put(0, 0, 0, 5, false, 3900);
    r.put(1, 0, 0, 5, false, 3900);
    r.run();
    const auto ref = r.times(K::ref), act = r.times(K::act);
    ASSERT_EQ(ref.size(), 2u);
    ASSERT_EQ(act.size(), 2u);
    EXPECT_EQ(act[0] - ref[0], 260);  // tRFC
    EXPECT_EQ(act[1] - ref[1], 260);
}

TEST(DramTiming, RefreshPrechargesOpenRowsFirst) {
    Rig r(isolation_spec(), true);
    r.put(0, 0, 0, 5, false, 3800);
    r.dram->channel(0).advance_through(3950);
    const auto pa = r.times(K::pre_all), ref = r.times(K::ref);
    ASSERT_EQ(pa.size(), 1u);
    ASSERT_EQ(ref.size(), 2u);
    EXPECT_EQ(pa[0], 3900);
    EXPECT_EQ(ref[0] - pa[0], 14);  // tRP before REFab
    EXPECT_EQ(ref[1], ref[0] + 1);  // the other pseudo-channel follows, in order
}

TEST(DramTiming, TwoCycleActivateOffsets) {
    // HBM2 as in Ramulator: ACT occupies the row bus for two cycles and its timings count from
    // its first cycle: ACT→RD = tRCD + 1, ACT→PRE = tRAS + 1, PRE→ACT = tRP − 1.
    Rig r(preset("hbm2"));
    r.put(0, 0, 0, 5, false, 0);
    r.put(0, 0, 0, 6, false, 0);
    r.put(0, 1, 0, 5, false, 0);
    r.run();
    const auto act = r.times(K::act), pre = r.times(K::pre), rd = r.times(K::rd);
    ASSERT_EQ(act.size(), 3u);
    EXPECT_EQ(rd[0] - act[0], 15);
    EXPECT_EQ(pre[0] - act[0], 35);
    EXPECT_EQ(act[2] - pre[0], 13);
    EXPECT_EQ(act[2] - act[0], 48);  // and tRC still holds
    EXPECT_GE(act[1] - act[0], 4);   // tRRD_S, and the bus is busy for 2 cycles
}

TEST(DramTiming, RowHitsFirstWithCap) {
    // Row 5 is open; an older request to row 6 of the same bank waits while younger hits to row 5
    // are served, until row_hit_cap hits have bypassed it.
    for (uint64_t cap : {2ull, 100ull}) {
        Rig r(isolation_spec(), false, cap);
        r.put(0, 0, 0, 5, false, 0);
        r.run();
        r.log.clear();
        r.put(0, 0, 0, 6, false, 200);
        for (int i = 0; i < 6; ++i) r.put(0, 0, 0, 5, false, 200);
        r.run();
        int hits_before_pre = 0;
        for (const auto& c : r.log) {
            if (c.kind == K::pre) break;
            if (c.kind == K::rd) ++hits_before_pre;
        }
        EXPECT_EQ(hits_before_pre, cap == 100 ? 6 : 2);
    }
}

TEST(DramTiming, ClosedPagePrechargesAfterTheLastHit) {
    for (PagePolicy pol : {PagePolicy::open, PagePolicy::closed}) {
        SystemConfig c;
        c.spec = isolation_spec();
        c.ctrl.refresh = RefreshPolicy::none;
        c.ctrl.page_policy = pol;
        DramSystem d(c);
        d.access(0, 64, false, 0);
        d.access(0, 64, false, 1000000);  // same row much later
        EXPECT_EQ(d.counters().acts, pol == PagePolicy::open ? 1u : 2u);
        EXPECT_EQ(d.counters().row_hits, pol == PagePolicy::open ? 3u : 2u);
    }
}

TEST(DramTiming, LogsForWaveforms) {
    // Closed page: the last hit's RD carries its automatic precharge (RDA) at the first cycle a
    // PRE may issue, max(ACT + tRAS, RD + tRTP); the first RD none (a hit to the row is still
    // queued). The queue log follows the read queue.
    SystemConfig c;
    c.spec = isolation_spec();
    c.ctrl.refresh = RefreshPolicy::none;
    c.ctrl.page_policy = PagePolicy::closed;
    DramSystem d(c);
    std::vector<CommandRecord> log;
    std::vector<QueueRecord> q;
    Channel& ch = d.channel(0);
    ch.set_command_log(&log);
    ch.set_queue_log(&q);
    ch.enqueue(0, 7, false, 0, 0);
    ch.enqueue(0, 7, false, 0, 1);
    ch.drain();
    ASSERT_EQ(log.size(), 3u);  // ACT, RD, RDA
    EXPECT_EQ(log[0].kind, K::act);
    EXPECT_EQ(log[1].kind, K::rd);
    EXPECT_EQ(log[1].auto_pre, -1);
    EXPECT_EQ(log[2].kind, K::rd);
    EXPECT_EQ(log[2].auto_pre,
              std::max(log[0].cycle + static_cast<int64_t>(c.spec.timing.ras),
                       log[2].cycle + static_cast<int64_t>(c.spec.timing.rtp)));
    // Two reads queued at cycle 0; the ACT takes the first into the bank (1 left), the first RD
    // serves the hit from the queue (0 left). The mode stays read.
    ASSERT_EQ(q.size(), 3u);
    EXPECT_EQ(q[0].cycle, 0);
    EXPECT_EQ(q[0].reads, 2u);
    EXPECT_EQ(q[1].cycle, log[0].cycle);
    EXPECT_EQ(q[1].reads, 1u);
    EXPECT_EQ(q[2].reads, 0u);
    for (const QueueRecord& r : q) EXPECT_FALSE(r.write_mode);
}

}  // namespace
}  // namespace qasim::models::dram

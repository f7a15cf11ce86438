// The transaction-level path (DMA blocks): split by the map, timed burst by burst, state kept
// between calls so that initiators contend.
#include <gtest/gtest.h>

#include "models/dram/dram_system.h"

namespace qasim::models::dram {
namespace {

SystemConfig hbm(const char* preset_name = "hbm2") {
    SystemConfig c;
    c.spec = preset(preset_name);
    return c;
}

TEST(DramAccess, ZeroBytesCompletesAtOnce) {
    DramSystem d(hbm());
    EXPECT_EQ(d.access(0, 0, false, 12345), 12345u);
    EXPECT_EQ(d.counters().read_bursts, 0u);
}

TEST(DramAccess, BlockIsSplitIntoBursts) {
    DramSystem d(hbm());
    d.access(0, 1 << 20, false, 0);
    EXPECT_EQ(d.counters().read_bursts, (1u << 20) / 32);
    // A block touching a partial burst at each end counts whole bursts.
    d.access(16, 64, true, 0);
    EXPECT_EQ(d.counters().write_bursts, 3u);
}

TEST(DramAccess, LargeBlockApproachesButNeverExceedsPeak) {
    for (const char* p : {"hbm2", "hbm2e", "hbm3"}) {
        DramSystem d(hbm(p));
        const uint64_t bytes = 8 << 20;
        const uint64_t done = d.access(0, bytes, false, 0);
        const double gbps = double(bytes) / (double(done) / 1e3);
        EXPECT_LT(gbps, d.peak_gbps()) << p;
        EXPECT_GT(gbps, 0.5 * d.peak_gbps()) << p;
    }
}

TEST(DramAccess, LatencyOfOneBurst) {
    DramSystem d(hbm());
    // 1 cycle to schedule + ACT→RD 15 + CL 14 + burst 2 = 32 cycles of 1 ns.
    EXPECT_EQ(d.access(0, 32, false, 1000000), 1000000u + 32000u);
}

TEST(DramAccess, ConcurrentInitiatorsContend) {
    const uint64_t bytes = 1 << 20;
    SystemConfig c = hbm();
    c.ctrl.refresh = RefreshPolicy::none;  // so that runs at different times are comparable
    DramSystem alone(c);
    const uint64_t t_alone = alone.access(64ull << 20, bytes, false, 0);
    DramSystem both(c);
    both.access(0, bytes, false, 0);                                 // initiator A
    const uint64_t t_b = both.access(64ull << 20, bytes, false, 0);  // initiator B, same start
    EXPECT_GT(t_b, t_alone + t_alone / 2);
    // Starting after A is done, B is not delayed (beyond precharging the rows A left open).
    DramSystem later(c);
    const uint64_t t_a = later.access(0, bytes, false, 0);
    const uint64_t t_b2 = later.access(64ull << 20, bytes, false, t_a + 10000000);
    EXPECT_NEAR(double(t_b2 - (t_a + 10000000)), double(t_alone), 0.05 * double(t_alone));
}

TEST(DramAccess, AddressesWrapAroundCapacity) {
    DramSystem a(hbm()), b(hbm());
    EXPECT_EQ(a.access(4096, 4096, false, 0), b.access(a.capacity() + 4096, 4096, false, 0));
}

TEST(DramAccess, RefreshHappensDuringLongRuns) {
    DramSystem d(hbm());
    uint64_t t = 0;
    for (int i = 0; i < 64; ++i) t = d.access(uint64_t(i) << 20, 1 << 20, false, t);
    // 8 channels × 2 pseudo-channels refresh every 3.9 us.
    const double expect = double(t) / 3.9e6 * 16;
    EXPECT_NEAR(double(d.counters().refreshes), expect, 0.05 * expect + 16);
}

TEST(DramAccess, StacksAddChannels) {
    SystemConfig c = hbm();
    c.stacks = 2;
    c.address_map = "RoBaBgPcCo4ChCo1";
    DramSystem d(c);
    EXPECT_EQ(d.channel_count(), 16u);
    EXPECT_EQ(d.capacity(), 16ull << 30);
    EXPECT_DOUBLE_EQ(d.peak_gbps(), 512.0);
    const uint64_t done = d.access(0, 8 << 20, false, 0);
    EXPECT_GT(double(8 << 20) / (double(done) / 1e3), 256.0);  // more than one stack's peak
}

}  // namespace
}  // namespace qasim::models::dram

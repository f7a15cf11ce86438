// fast_stream (channels in identical states fed identical bursts are timed once) must give exactly
// the results of timing every channel burst by burst: same completion times, same counters.
#include <gtest/gtest.h>

#include <random>

#include "models/dram/dram_system.h"

namespace qasim::models::dram {
namespace {

struct Case {
    const char* preset;
    uint64_t stacks;
    PagePolicy page;
    uint64_t row_hit_cap;
    const char* map = "";  // "" = the preset's
};

/// Random mix: large sequential blocks (aligned and not), small random accesses, reads and
/// writes, overlapping start times (concurrent initiators) and idle gaps.
void run_mix(const Case& k, uint64_t seed, int transactions) {
    SystemConfig c;
    c.spec = preset(k.preset);
    c.stacks = k.stacks;
    c.address_map = *k.map ? k.map : c.spec.default_map;
    c.ctrl.page_policy = k.page;
    c.ctrl.row_hit_cap = k.row_hit_cap;
    SystemConfig slow_cfg = c;
    slow_cfg.fast_stream = false;
    DramSystem fast(c), slow(slow_cfg);
    std::mt19937_64 rng(seed);
    uint64_t t = 0;
    uint64_t stream_addr = 0;
    for (int i = 0; i < transactions; ++i) {
        const uint64_t kind = rng() % 8;
        uint64_t addr, bytes;
        if (kind < 4) {  // sequential stream, block-aligned
            bytes = uint64_t(1) << (12 + rng() % 9);  // 4 KiB .. 1 MiB
            addr = stream_addr;
            stream_addr += bytes;
        } else if (kind < 6) {  // large block at a random, unaligned address
            bytes = 1 + rng() % (256 << 10);
            addr = rng() % fast.capacity();
        } else {  // small random access
            bytes = 32 * (1 + rng() % 4);
            addr = (rng() % (fast.capacity() / 32)) * 32;
        }
        const bool write = rng() % 4 == 0;
        const uint64_t a = fast.access(addr, bytes, write, t);
        const uint64_t b = slow.access(addr, bytes, write, t);
        ASSERT_EQ(a, b) << k.preset << " seed " << seed << " transaction " << i;
        ASSERT_TRUE(fast.counters() == slow.counters())
            << k.preset << " seed " << seed << " transaction " << i;
        // Next start: back to back, concurrent (same start), or after an idle gap.
        const uint64_t how = rng() % 3;
        if (how == 0) t = a;
        if (how == 2) t = a + rng() % 20000000;
    }
    EXPECT_GT(fast.counters().refreshes, 0u);
    EXPECT_DOUBLE_EQ(fast.dynamic_energy_pj(), slow.dynamic_energy_pj());
}

TEST(DramFastStream, SameAsPerBurstHbm2) { run_mix({"hbm2", 1, PagePolicy::open, 16}, 1, 300); }

TEST(DramFastStream, SameAsPerBurstHbm2eNoHitCap) {
    run_mix({"hbm2e", 1, PagePolicy::open, 0}, 2, 300);
}

TEST(DramFastStream, SameAsPerBurstHbm3TwoStacks) {
    run_mix({"hbm3", 2, PagePolicy::open, 16}, 3, 200);
}

TEST(DramFastStream, SameAsPerBurstClosedPage) {
    run_mix({"hbm2e", 1, PagePolicy::closed, 16}, 4, 200);
}

TEST(DramFastStream, SameAsPerBurstOtherMaps) {
    // Channel bits above the decode table's low bits, row bits low, split fields.
    run_mix({"hbm2", 1, PagePolicy::open, 16, "CoBaBgPcRoCh"}, 5, 150);
    run_mix({"hbm2", 1, PagePolicy::open, 16, "RoBaCh1BgPcCo2Ch2Co3"}, 6, 150);
    run_mix({"hbm3", 1, PagePolicy::open, 16, "Ro8Ba1ChSiBgPcCoRoBa"}, 7, 150);
}

/// Blocks of over 2^16 bursts (several chunks, Channel::feed) at addresses and sizes that cut
/// channel-interleave periods anywhere: the bins of the whole periods are built once for all
/// channels and the partial periods at the ends per channel (DramSystem::bin_bursts).
void run_large(const char* preset_name, const char* map, uint64_t seed) {
    SystemConfig c;
    c.spec = preset(preset_name);
    c.address_map = *map ? map : c.spec.default_map;
    SystemConfig slow_cfg = c;
    slow_cfg.fast_stream = false;
    DramSystem fast(c), slow(slow_cfg);
    std::mt19937_64 rng(seed);
    const uint64_t bb = fast.burst_bytes();
    uint64_t t = 0;
    for (int i = 0; i < 12; ++i) {
        // Half of them start half a period or a few bursts off an aligned address.
        uint64_t addr = (rng() % (fast.capacity() >> 20)) << 20;
        if (i % 2 == 1) addr += (i % 4 == 1 ? 16 : 1 + rng() % 40) * bb;
        const uint64_t bytes = (uint64_t(1) << 16) * bb + rng() % (uint64_t(1) << 21);
        const bool write = i % 3 == 2;
        const uint64_t a = fast.access(addr, bytes, write, t);
        const uint64_t b = slow.access(addr, bytes, write, t);
        ASSERT_EQ(a, b) << preset_name << " " << map << " block " << i;
        ASSERT_TRUE(fast.counters() == slow.counters()) << preset_name << " block " << i;
        t = i % 2 ? a : t + 1000000;
    }
}

TEST(DramFastStream, SameAsPerBurstLargeUnalignedBlocks) {
    run_large("hbm2e", "", 8);
    // Bank-group bits between the channel bits (keys change inside a period), and a period of
    // the whole low decode table.
    run_large("hbm2", "RoCoBaPcCh1BgCh2", 9);
    run_large("hbm3", "RoSiBaBgCoPcCh", 10);
}

TEST(DramFastStream, BurstLevelUseOfAChannelKeepsResultsExact) {
    // Touching one channel directly (burst level) must not let it be mistaken for its twins.
    SystemConfig c;
    c.spec = preset("hbm2");
    SystemConfig s = c;
    s.fast_stream = false;
    DramSystem fast(c), slow(s);
    for (DramSystem* d : {&fast, &slow}) {
        d->access(0, 1 << 20, false, 0);
        Channel& ch = d->channel(3);
        ch.advance_through(2000000);
        ch.enqueue(5, 77, false, 2000000, 0);
        ch.drain();
    }
    EXPECT_EQ(fast.access(1 << 20, 1 << 20, false, 2000000),
              slow.access(1 << 20, 1 << 20, false, 2000000));
    EXPECT_TRUE(fast.counters() == slow.counters());
}

}  // namespace
}  // namespace qasim::models::dram

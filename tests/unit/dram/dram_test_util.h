#pragma once
// Helpers of the DRAM model tests: a one-channel view with a command log.
#include <vector>

#include "models/dram/dram_system.h"

namespace qasim::models::dram::testing {

/// An HBM2 system (refresh off unless asked) whose channel 0 logs its commands.
struct Rig {
    explicit Rig(const Spec& spec, bool refresh = false, uint64_t row_hit_cap = 16) {
        SystemConfig c;
        c.spec = spec;
        c.ctrl.refresh = refresh ? RefreshPolicy::all_bank : RefreshPolicy::none;
        c.ctrl.row_hit_cap = row_hit_cap;
        dram = std::make_unique<DramSystem>(c);
        dram->channel(0).set_command_log(&log);
    }
    /// Queues one burst in channel 0 at cycle `t`.
    void put(uint32_t pc, uint32_t bg, uint32_t bank, uint32_t row, bool write, int64_t t,
             uint32_t sid = 0) {
        Location l;
        l.pc = pc;
        l.sid = sid;
        l.bank_group = bg;
        l.bank = bank;
        l.row = row;
        Channel& ch = dram->channel(0);
        ch.advance_through(t);
        ch.enqueue(dram->bank_index(l), row, write, t, next_tag++);
    }
    void run() { dram->channel(0).drain(); }
    /// Cycles of the commands of one kind, in issue order.
    std::vector<int64_t> times(CommandRecord::Kind k) const {
        std::vector<int64_t> v;
        for (const auto& r : log)
            if (r.kind == k) v.push_back(r.cycle);
        return v;
    }
    std::unique_ptr<DramSystem> dram;
    std::vector<CommandRecord> log;
    uint64_t next_tag = 0;
};

/// HBM2 with JEDEC-clean numbers for isolation tests: ACT on one cycle (no two-cycle offset),
/// distinct values for the constraints under test.
inline Spec isolation_spec() {
    Spec s = preset("hbm2");
    s.timing.act_cmd_cycles = 1;
    return s;
}

}  // namespace qasim::models::dram::testing

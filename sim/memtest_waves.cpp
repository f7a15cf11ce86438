#include "sim/memtest_waves.h"

namespace qasim::sim {

using models::dram::CommandRecord;
using models::dram::QueueRecord;

void record_memtest_waves(TraceManager& tm, const models::dram::DramSystem& dram,
                          const std::string& mem,
                          const std::vector<std::vector<CommandRecord>>& cmds,
                          const std::vector<std::vector<QueueRecord>>& queues) {
    const auto& spec = dram.config().spec;
    const auto& o = spec.org;
    const auto& t = spec.timing;
    const uint64_t tck = dram.tck_ps();
    const uint64_t half = tck / 2 > 0 ? tck / 2 : 1;
    const int64_t bl = static_cast<int64_t>(models::dram::burst_cycles(spec));
    const uint32_t per_pc = static_cast<uint32_t>(o.banks_per_pc());
    const uint32_t per_sid = static_cast<uint32_t>(o.bank_groups * o.banks_per_group);
    const uint32_t bpg = static_cast<uint32_t>(o.banks_per_group);
    auto at = [&](int64_t cycle) { return static_cast<uint64_t>(cycle < 0 ? 0 : cycle) * tck; };
    using H = TraceManager::Handle;

    for (uint32_t c = 0; c < dram.channel_count(); ++c) {
        const std::string ch = mem + ".ch" + std::to_string(c);
        const H qr = tm.add_signal(ch + ".queued_reads", TraceKind::integer, 32,
                                   TraceFormat::analog);
        const H qw = tm.add_signal(ch + ".queued_writes", TraceKind::integer, 32,
                                   TraceFormat::analog);
        const H wm = tm.add_signal(ch + ".write_mode", TraceKind::bit, 1, TraceFormat::binary);
        std::vector<H> row_cmd, col_cmd, data, open, row;
        for (uint32_t p = 0; p < o.pseudo_channels; ++p) {
            const std::string pc = ch + ".pc" + std::to_string(p);
            row_cmd.push_back(tm.add_signal(pc + ".row_cmd", TraceKind::integer, 3));
            col_cmd.push_back(tm.add_signal(pc + ".col_cmd", TraceKind::integer, 3));
            data.push_back(tm.add_signal(pc + ".data", TraceKind::integer, 2));
            for (uint32_t b = 0; b < per_pc; ++b) {
                const uint32_t sid = b / per_sid, bg = (b % per_sid) / bpg, bank = b % bpg;
                const std::string bp = pc + (o.sids > 1 ? ".sid" + std::to_string(sid) : "") +
                                       ".bg" + std::to_string(bg) + ".b" + std::to_string(bank);
                open.push_back(tm.add_signal(bp + ".open", TraceKind::bit, 1, TraceFormat::binary));
                row.push_back(tm.add_signal(bp + ".row", TraceKind::integer, 32,
                                            TraceFormat::decimal, true));
                // Hundreds of them: in the VCD and GTKWave's tree, not in the opening view.
                tm.keep_out_of_view(open.back());
                tm.keep_out_of_view(row.back());
            }
        }
        // Initial values: empty queues, read mode, idle buses, closed banks.
        tm.set(qr, 0, 0);
        tm.set(qw, 0, 0);
        tm.set(wm, 0, 0);
        for (uint32_t p = 0; p < o.pseudo_channels; ++p) {
            tm.set(row_cmd[p], 0, 0);
            tm.set(col_cmd[p], 0, 0);
            tm.set(data[p], 0, 0);
        }
        for (const H h : open) tm.set(h, 0, 0);

        if (c < queues.size()) {
            for (const QueueRecord& q : queues[c]) {
                tm.set(qr, at(q.cycle), q.reads);
                tm.set(qw, at(q.cycle), q.writes);
                tm.set(wm, at(q.cycle), q.write_mode ? 1 : 0);
            }
        }
        if (c >= cmds.size()) continue;
        for (const CommandRecord& r : cmds[c]) {
            const uint64_t ts = at(r.cycle);
            const uint32_t p = r.pc;
            auto pulse = [&](H h, double code) {
                tm.set(h, ts, code);
                tm.set(h, ts + half, 0);
            };
            switch (r.kind) {
            case CommandRecord::act:
                pulse(row_cmd[p], 1);
                tm.set(open[r.bank], ts, 1);
                tm.set(row[r.bank], ts, r.row);
                break;
            case CommandRecord::pre:
                pulse(row_cmd[p], 2);
                tm.set(open[r.bank], ts, 0);
                break;
            case CommandRecord::pre_all:
                pulse(row_cmd[p], 3);
                for (uint32_t b = p * per_pc; b < (p + 1) * per_pc; ++b) tm.set(open[b], ts, 0);
                break;
            case CommandRecord::ref:
                pulse(row_cmd[p], 4);
                break;
            case CommandRecord::rd:
            case CommandRecord::wr: {
                const bool w = r.kind == CommandRecord::wr;
                pulse(col_cmd[p], w ? 6 : 5);
                const int64_t first = r.cycle + static_cast<int64_t>(w ? t.cwl : t.cl);
                tm.add(data[p], at(first), 1);
                tm.add(data[p], at(first + bl), -1);
                if (r.auto_pre >= 0) tm.set(open[r.bank], at(r.auto_pre), 0);
                break;
            }
            }
        }
    }
}

}  // namespace qasim::sim

#pragma once
// Command-level waveforms of `qasim memtest --vcd`: what each channel's controller did, cycle by
// cycle, for GTKWave. Built after the run from the channels' command and queue logs
// (Channel::set_command_log / set_queue_log), so the timing model runs as without tracing.
//
// Signals (MEM = the memory's name, C channel, P pseudo-channel, S stack ID when the preset has
// several, G bank group, B bank):
//   MEM.chC.queued_reads / queued_writes   bursts waiting in the controller's read / write queue
//   MEM.chC.write_mode                     1 while the controller drains writes
//   MEM.chC.pcP.row_cmd                    row command issued: 1 ACT, 2 PRE, 3 PREab, 4 REF
//   MEM.chC.pcP.col_cmd                    column command issued: 5 RD, 6 WR
//   MEM.chC.pcP.data                       bursts on the pseudo-channel's data bus (0 or 1)
//   MEM.chC.pcP[.sidS].bgG.bB.open         1 while the bank has a row open
//   MEM.chC.pcP[.sidS].bgG.bB.row          the row last opened in the bank
// A command is a pulse of half a clock at its issue cycle (so that back-to-back commands stay
// apart); data is busy from tCL (reads) or tCWL (writes) after the command for the burst's
// length. Times are absolute (cycle × tCK). The GTKWave save file opens on the channel and
// pseudo-channel signals; the bank signals are in GTKWave's signal tree (or in the view when
// selected with --vcd-signals).
#include <string>
#include <vector>

#include "models/dram/channel.h"
#include "models/dram/dram_system.h"
#include "sim/trace_manager.h"

namespace qasim::sim {

/// Registers the signals of `dram` under `mem` in `tm` and records the logs' changes:
/// `cmds[c]` and `queues[c]` are channel c's command and queue logs.
void record_memtest_waves(TraceManager& tm, const models::dram::DramSystem& dram,
                          const std::string& mem,
                          const std::vector<std::vector<models::dram::CommandRecord>>& cmds,
                          const std::vector<std::vector<models::dram::QueueRecord>>& queues);

}  // namespace qasim::sim

#include "hw/control/sequencer.h"

#include <algorithm>

#include "hw/common/time.h"
#include "hw/control/dma.h"

namespace qasim::hw {

Sequencer::Sequencer(sc_core::sc_module_name name, SequencerSetup setup)
    : sc_core::sc_module(name), m_setup(std::move(setup)) {
    m_layers.resize(m_setup.ops.size());
    SC_THREAD(run);
}

void Sequencer::sync_to(uint64_t ps) {
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    if (ps <= now) return;
    m_qk.set(from_ps(ps - now));
    if (m_qk.need_sync()) m_qk.sync();
}

uint64_t Sequencer::dma(Region& r, uint64_t& cursor, uint64_t bytes, bool write, uint64_t start_ps, size_t op,
                        uint64_t* issue_end) {
    if (bytes == 0) {
        *issue_end = std::max(*issue_end, start_ps);
        return start_ps;
    }
    // Tensors stream through their region; a transfer that would run past the end wraps to the start
    // (the region is a ring: addresses matter for DRAM bank/row state, not for data).
    const uint64_t aligned = (bytes + 63) / 64 * 64;
    if (cursor + aligned > r.size) cursor = 0;
    const uint64_t addr = r.base + cursor;
    cursor = (cursor + aligned) % std::max<uint64_t>(r.size, 1);
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(m_dummy);
    gp.set_data_length(std::min(bytes, r.size));
    gp.set_streaming_width(std::min(bytes, r.size));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    DmaIssue issue;
    issue.issue_end_ps = std::max(start_ps, now);
    gp.set_extension(&issue);
    sc_core::sc_time d = from_ps(std::max(start_ps, now) - now);
    dma_out->b_transport(gp, d);
    gp.clear_extension(&issue);
    const uint64_t done = now + to_ps(d);
    *issue_end = std::max(*issue_end, issue.issue_end_ps);
    auto& L = m_layers[op];
    if (r.dram) (write ? L.dram_write_bytes : L.dram_read_bytes) += bytes;
    else (write ? L.onchip_write_bytes : L.onchip_read_bytes) += bytes;
    if (m_setup.observer) m_setup.observer->on_dma(op, write ? 1 : 0, bytes, std::max(start_ps, now), done);
    return done;
}

uint64_t Sequencer::compute(size_t unit, const models::Op& op, const models::Tile& t, size_t op_index,
                            uint64_t tile_index, uint64_t start_ps) {
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    TileCommand cmd;
    cmd.op = &op;
    cmd.tile = &t;
    cmd.op_index = op_index;
    cmd.tile_index = tile_index;
    cmd.count = 1;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(m_dummy);
    gp.set_data_length(1);
    gp.set_streaming_width(1);
    gp.set_extension(&cmd);
    sc_core::sc_time d = from_ps(std::max(start_ps, now) - now);
    unit_out[static_cast<int>(unit)]->b_transport(gp, d);
    gp.clear_extension(&cmd);
    if (gp.is_response_error()) SC_REPORT_FATAL(name(), "compute command failed");
    const uint64_t done = now + to_ps(d);
    if (m_setup.observer) m_setup.observer->on_compute(op_index, unit, tile_index, std::max(start_ps, now), done);
    return done;
}

void Sequencer::run() {
    std::vector<uint64_t> unit_free(unit_out.size(), 0);
    uint64_t rd_free = 0, wr_free = 0;     // DMA read / write channel free at
    uint64_t prev_compute_end = 0;         // last compute of the previous op
    uint64_t prev_store_end = 0;           // last store of the previous op
    uint64_t layer_end_prev = 0;
    for (size_t j = 0; j < m_setup.ops.size(); ++j) {
        const models::Op& op = *m_setup.ops[j];
        const models::TilePlan& plan = m_setup.plans[j];
        const size_t u = m_setup.op_unit[j];
        LayerResult& L = m_layers[j];
        if (m_setup.observer) m_setup.observer->on_layer_begin(j);
        L.start_ps = layer_end_prev;
        Region* b_region = op.b_src == models::BSrc::weight ? &m_setup.weights
                           : op.b_src == models::BSrc::kv   ? &m_setup.kv
                                                            : &m_setup.activations;
        uint64_t* b_cursor = op.b_src == models::BSrc::weight ? &m_cur_w
                             : op.b_src == models::BSrc::kv   ? &m_cur_kv
                                                              : &m_cur_act;
        const uint64_t ready = prev_compute_end;  // data dependency on the previous op
        uint64_t slot_free[2] = {unit_free[u], unit_free[u]};
        uint64_t last_compute = ready, last_store = 0;
        // Walk the tiles (runs × count × repeat) with one tile of look-ahead, so that the load of
        // tile i+1 is issued before the store of tile i: the memory sees the prefetch first, as a DMA
        // with a descriptor queue would issue it (program order = time order for each channel).
        struct Pos {
            uint64_t r = 0;
            size_t run = 0;
            uint64_t c = 0;
        };
        auto valid = [&](const Pos& p) { return p.r < op.repeat && p.run < plan.tiles.size(); };
        auto advance = [&](Pos& p) {
            if (++p.c >= plan.tiles[p.run].count) {
                p.c = 0;
                if (++p.run >= plan.tiles.size()) {
                    p.run = 0;
                    ++p.r;
                }
            }
        };
        // Load of one tile: B may prefetch; A waits for the previous op's results in memory. The read
        // channel takes a transfer once the previous one has issued its blocks; the data arrives at
        // the transfer's completion (the returned time).
        auto load = [&](const models::Tile& t, uint64_t index) {
            const uint64_t slot = plan.double_buffered ? slot_free[index & 1] : unit_free[u];
            const uint64_t l_start = std::max(rd_free, slot);
            uint64_t issued = l_start;
            uint64_t l_end = dma(*b_region, *b_cursor, t.load_b_bytes, false, l_start, j, &issued);
            if (t.load_a_bytes) {
                const uint64_t a_start = std::max(issued, prev_store_end);
                l_end = std::max(l_end, dma(m_setup.activations, m_cur_act, t.load_a_bytes, false, a_start, j, &issued));
            }
            rd_free = std::max(rd_free, issued);
            return l_end;
        };
        Pos pos;
        if (plan.tiles.empty() || plan.tiles[0].count == 0) pos.r = op.repeat;  // nothing to run
        uint64_t tile_index = 0;
        uint64_t l_end = valid(pos) ? load(plan.tiles[pos.run], 0) : 0;
        while (valid(pos)) {
            const models::Tile& t = plan.tiles[pos.run];
            // Compute.
            const uint64_t free_at = std::max(unit_free[u], ready);
            const uint64_t c_start = std::max(free_at, l_end);
            L.stall_ps += c_start - free_at;
            const uint64_t c_end = compute(u, op, t, j, tile_index, c_start);
            unit_free[u] = c_end;
            slot_free[tile_index & 1] = c_end;
            last_compute = c_end;
            // Prefetch the next tile, then store this one.
            Pos next = pos;
            advance(next);
            uint64_t next_l_end = 0;
            if (valid(next)) next_l_end = load(plan.tiles[next.run], tile_index + 1);
            if (t.store_bytes) {
                uint64_t w_issued = std::max(c_end, wr_free);
                const uint64_t s_end =
                    dma(m_setup.activations, m_cur_act, t.store_bytes, true, std::max(c_end, wr_free), j, &w_issued);
                wr_free = w_issued;
                last_store = std::max(last_store, s_end);
            }
            L.compute_cycles += t.compute_cycles;
            L.macs += t.macs;
            L.sram_read_bytes += t.sram_read_bytes;
            L.sram_write_bytes += t.sram_write_bytes;
            ++L.tiles;
            sync_to(std::min({rd_free, wr_free == 0 ? rd_free : wr_free, unit_free[u]}));
            pos = next;
            l_end = next_l_end;
            ++tile_index;
        }
        prev_compute_end = last_compute;
        prev_store_end = std::max(prev_store_end, last_store);
        L.end_ps = std::max({last_compute, last_store, layer_end_prev});
        layer_end_prev = L.end_ps;
        if (m_setup.observer) m_setup.observer->on_layer_end(j, L);
    }
    sync_to(layer_end_prev);
    m_qk.sync();
    m_end_ps = layer_end_prev;
    m_finished = true;
}

}  // namespace qasim::hw

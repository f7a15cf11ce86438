#include "hw/control/dma.h"

#include <algorithm>

#include "hw/common/time.h"

namespace qasim::hw {

const sim::FieldTable<DmaConfig>& DmaConfig::fields() {
    static const auto t = sim::FieldTable<DmaConfig>()
                              .u64("block_bytes", &DmaConfig::block_bytes, "B", "bytes per memory transaction", 32,
                                   1ull << 30)
                              .u64("max_outstanding", &DmaConfig::max_outstanding, "blocks",
                                   "blocks in flight per channel", 1, 4096)
                              .boolean("coalesce", &DmaConfig::coalesce,
                                       "offer whole transfers to memories that model request queues (HBM) "
                                       "when the outstanding window exceeds twice their queues; false: "
                                       "always block by block");
    return t;
}

Dma::Dma(sc_core::sc_module_name name, const DmaConfig& cfg)
    : sc_core::sc_module(name), m_cfg(cfg), m_stats(this->name()) {
    cmd_in.register_b_transport(this, &Dma::b_transport);
    m_stats.add("read_bytes", &m_read_bytes, "B", "bytes loaded");
    m_stats.add("write_bytes", &m_write_bytes, "B", "bytes stored");
    m_stats.add("blocks", &m_blocks, "blocks", "blocks of block_bytes moved (coalesced transfers reach the memory as one transaction)");
}

void Dma::add_memory_window(uint64_t base, uint64_t size, uint64_t queue_bytes) {
    m_windows.push_back({base, size, queue_bytes});
}

bool Dma::whole(uint64_t addr, uint64_t bytes) const {
    if (!m_cfg.coalesce) return false;
    for (const Window& w : m_windows) {
        if (addr < w.base || addr - w.base >= w.size) continue;
        if (w.queue_bytes == 0 || bytes > w.size - (addr - w.base)) return false;
        // The window exceeds twice the queues: they fill (and push back) before it does.
        const unsigned __int128 window = static_cast<unsigned __int128>(m_cfg.max_outstanding) * m_cfg.block_bytes;
        return window >= 2 * static_cast<unsigned __int128>(w.queue_bytes);
    }
    return false;
}

void Dma::b_transport(tlm::tlm_generic_payload& cmd, sc_core::sc_time& delay) {
    const bool write = cmd.get_command() == tlm::TLM_WRITE_COMMAND;
    const uint64_t total = cmd.get_data_length();
    const uint64_t base = cmd.get_address();
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    const uint64_t t0 = now + to_ps(delay);
    auto& inflight = m_inflight[write ? 1 : 0];
    uint64_t done_all = t0, last_issue = t0;
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_data_ptr(m_dummy);  // timing only: targets never touch data
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    const bool coalesced = total > 0 && whole(base, total);
    if (coalesced) {
        // One transaction: the memory's queues, not the outstanding window, pace it (file comment).
        gp.set_address(base);
        gp.set_data_length(total);
        gp.set_streaming_width(total);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time d = from_ps(t0 - now);
        mem_out->b_transport(gp, d);
        if (gp.is_response_error()) {
            SC_REPORT_FATAL(name(), ("memory transaction failed at address " + std::to_string(base) + ": " +
                                     gp.get_response_string()).c_str());
        }
        done_all = std::max(done_all, now + to_ps(d));
        m_blocks += (total + m_cfg.block_bytes - 1) / m_cfg.block_bytes;
    }
    for (uint64_t off = 0; off < total && !coalesced; off += m_cfg.block_bytes) {
        const uint64_t len = std::min(m_cfg.block_bytes, total - off);
        // A block issues when a slot frees: the oldest in-flight block has completed.
        uint64_t issue = t0;
        if (inflight.size() >= m_cfg.max_outstanding) {
            issue = std::max(issue, inflight.front());
            inflight.pop_front();
        }
        last_issue = issue;
        gp.set_address(base + off);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time d = from_ps(issue - now);
        mem_out->b_transport(gp, d);
        if (gp.is_response_error()) {
            SC_REPORT_FATAL(name(), ("memory transaction failed at address " + std::to_string(base + off) + ": " +
                                     gp.get_response_string()).c_str());
        }
        const uint64_t done = now + to_ps(d);
        inflight.push_back(done);
        done_all = std::max(done_all, done);
        ++m_blocks;
    }
    // Keep only completions that can still limit the next command.
    while (inflight.size() > m_cfg.max_outstanding) inflight.pop_front();
    (write ? m_write_bytes : m_read_bytes) += total;
    delay = from_ps(done_all - now);
    if (auto* ext = cmd.get_extension<DmaIssue>()) ext->issue_end_ps = last_issue;
    cmd.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace qasim::hw

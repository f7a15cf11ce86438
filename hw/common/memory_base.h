#pragma once
// Shared shell of the memory targets: a simple target socket whose b_transport asks the derived
// class for the completion time of an access (timing only: the data pointer is never touched),
// counts bytes and accesses, and keeps action counts for the energy model.
#include <string>

#include <tlm_utils/simple_target_socket.h>

#include "hw/common/interfaces.h"
#include "hw/common/time.h"

namespace qasim::hw {

class MemoryBase : public sc_core::sc_module, public MemoryTarget {
public:
    tlm_utils::simple_target_socket<MemoryBase> socket{"socket"};

    MemoryBase(sc_core::sc_module_name name, uint64_t capacity, bool dram)
        : sc_core::sc_module(name), m_stats(this->name()), m_capacity(capacity), m_dram(dram) {
        socket.register_b_transport(this, &MemoryBase::b_transport);
        m_stats.add("read_bytes", &m_read_bytes, "B", "bytes read");
        m_stats.add("write_bytes", &m_write_bytes, "B", "bytes written");
        m_stats.add("reads", &m_reads, "transactions", "read transactions");
        m_stats.add("writes", &m_writes, "transactions", "write transactions");
    }

    tlm::tlm_target_socket<>& mem_socket() override { return socket; }
    uint64_t capacity_bytes() const override { return m_capacity; }
    bool is_dram() const override { return m_dram; }
    uint64_t read_bytes() const override { return m_read_bytes; }
    uint64_t write_bytes() const override { return m_write_bytes; }
    const sim::StatsGroup& stats() const override { return m_stats; }
    const models::ActionCounts& action_counts() const override { return m_actions; }
    std::string memory_name() const override { return name(); }

protected:
    /// Completion time (ps) of an access of `bytes` at local address `addr` that starts at `start_ps`.
    virtual uint64_t access(uint64_t addr, uint64_t bytes, bool write, uint64_t start_ps) = 0;

    sim::StatsGroup m_stats;
    models::ActionCounts m_actions;

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        const bool write = gp.get_command() == tlm::TLM_WRITE_COMMAND;
        const uint64_t bytes = gp.get_data_length();
        const uint64_t addr = gp.get_address();
        if (addr + bytes > m_capacity || addr + bytes < addr) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        const uint64_t now = to_ps(sc_core::sc_time_stamp());
        const uint64_t start = now + to_ps(delay);
        const uint64_t done = access(addr, bytes, write, start);
        delay = from_ps(done - now);
        if (write) {
            m_write_bytes += bytes;
            ++m_writes;
        } else {
            m_read_bytes += bytes;
            ++m_reads;
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    uint64_t m_capacity;
    bool m_dram;
    uint64_t m_read_bytes = 0, m_write_bytes = 0, m_reads = 0, m_writes = 0;
};

}  // namespace qasim::hw

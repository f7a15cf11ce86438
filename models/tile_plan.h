#pragma once
// What a compute unit's model returns for one Op (DESIGN.md §3b): a list of tiles, run-length
// encoded, each with the bytes it loads and stores, its compute cycles and its action counts.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qasim::models {

/// Counts of named actions ("mac.int8xint8", "sram_read_bits.ifmap", "lut_read", ...). The unit
/// that produced them also provides the energy per action (its energy reference table).
class ActionCounts {
public:
    ActionCounts() = default;
    // Copies and moves drop the look-up cache (it points into the source's map).
    ActionCounts(const ActionCounts& o) : m_counts(o.m_counts) {}
    ActionCounts(ActionCounts&& o) noexcept : m_counts(std::move(o.m_counts)) {
        o.m_last = nullptr;
    }
    ActionCounts& operator=(const ActionCounts& o) {
        if (this != &o) {
            m_counts = o.m_counts;
            m_last = nullptr;
        }
        return *this;
    }
    ActionCounts& operator=(ActionCounts&& o) noexcept {
        if (this != &o) {
            m_counts = std::move(o.m_counts);
            m_last = nullptr;
            o.m_last = nullptr;
        }
        return *this;
    }

    // Memories and links count one action per transaction, hundreds of millions of times per run:
    // the entry hit last is tried first (one short compare, no temporary string, no tree walk).
    void add(const char* action, uint64_t n) {
        if (!n) return;
        if (m_last && m_last->first == action) {
            m_last->second += n;
            return;
        }
        add_slow(action, n);
    }
    void add(const std::string& action, uint64_t n) {
        if (!n) return;
        if (m_last && m_last->first == action) {
            m_last->second += n;
            return;
        }
        add_slow(action, n);
    }
    void merge(const ActionCounts& o, uint64_t times = 1) {
        // Both maps are sorted: walk them together (no tree walk per key).
        auto it = m_counts.begin();
        for (const auto& [k, v] : o.m_counts) {
            while (it != m_counts.end() && it->first < k) ++it;
            if (it != m_counts.end() && it->first == k) {
                it->second += v * times;
            } else {
                it = m_counts.emplace_hint(it, k, v * times);
            }
            ++it;
        }
        m_last = nullptr;
    }
    uint64_t get(const std::string& action) const {
        auto it = m_counts.find(action);
        return it == m_counts.end() ? 0 : it->second;
    }
    const std::map<std::string, uint64_t>& all() const { return m_counts; }
    bool empty() const { return m_counts.empty(); }

private:
    template <class Key>
    void add_slow(const Key& action, uint64_t n) {
        auto it = m_counts.find(action);
        if (it == m_counts.end()) it = m_counts.emplace(action, 0).first;
        it->second += n;
        m_last = &*it;
    }

    std::map<std::string, uint64_t> m_counts;
    std::pair<const std::string, uint64_t>* m_last = nullptr;  ///< entry hit last (cache)
};

/// One tile (or `count` identical tiles run back to back).
struct Tile {
    uint64_t count = 1;           ///< run-length: identical tiles
    uint64_t load_a_bytes = 0;    ///< operand A moved from memory into the unit's buffers (metadata included)
    uint64_t load_b_bytes = 0;    ///< operand B moved from memory (weights, KV or activations)
    uint64_t store_bytes = 0;     ///< result bytes written back to memory
    uint64_t compute_cycles = 0;  ///< cycles of the system clock the unit is busy
    uint64_t macs = 0;            ///< useful MACs (matmul) or element operations (vector)
    uint64_t sram_read_bytes = 0;   ///< on-chip buffer reads
    uint64_t sram_write_bytes = 0;  ///< on-chip buffer writes
    ActionCounts actions;         ///< energy-relevant actions of one tile
};

/// The schedule of one repeat of an Op on a unit.
struct TilePlan {
    std::vector<Tile> tiles;
    /// True when the unit's buffers hold two tiles' operands, so the load of tile i+1 may overlap
    /// the compute of tile i (double buffering); otherwise loads and compute serialize.
    bool double_buffered = true;
    /// Peak useful MACs (or element ops) per cycle of the unit, for utilization.
    uint64_t peak_ops_per_cycle = 1;

    uint64_t tile_count() const {
        uint64_t n = 0;
        for (const auto& t : tiles) n += t.count;
        return n;
    }
    uint64_t compute_cycles() const {
        uint64_t c = 0;
        for (const auto& t : tiles) c += t.count * t.compute_cycles;
        return c;
    }
    uint64_t macs() const {
        uint64_t c = 0;
        for (const auto& t : tiles) c += t.count * t.macs;
        return c;
    }
    uint64_t load_bytes() const {
        uint64_t c = 0;
        for (const auto& t : tiles) c += t.count * (t.load_a_bytes + t.load_b_bytes);
        return c;
    }
    uint64_t store_bytes() const {
        uint64_t c = 0;
        for (const auto& t : tiles) c += t.count * t.store_bytes;
        return c;
    }
    ActionCounts actions() const {
        ActionCounts a;
        for (const auto& t : tiles) a.merge(t.actions, t.count);
        return a;
    }
};

}  // namespace qasim::models

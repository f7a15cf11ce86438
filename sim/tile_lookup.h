#pragma once
// Finds the Tile behind a sequencer event (op index, unit, tile index) for the waveform and
// timeline observers: the observer interface carries indices only, so the op's plan is asked again
// from its unit (plan() is a pure function of the op and the unit config) and cached for the
// current op.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hw/common/interfaces.h"
#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::sim {

class TileLookup {
public:
    TileLookup(const std::vector<const models::Op*>& ops,
               const std::vector<hw::ComputeUnit*>& units)
        : m_ops(ops), m_units(units) {}

    /// The tile `tile_index` (counted over all repeats) of op `op` run on unit `unit`; null if the
    /// index is outside the plan.
    const models::Tile* find(size_t op, size_t unit, uint64_t tile_index) {
        if (op != m_op || unit != m_unit) {
            m_plan = m_units.at(unit)->plan(*m_ops.at(op));
            m_op = op;
            m_unit = unit;
            m_count = m_plan.tile_count();
        }
        if (m_count == 0) return nullptr;
        uint64_t k = tile_index % m_count;
        for (const auto& t : m_plan.tiles) {
            if (k < t.count) return &t;
            k -= t.count;
        }
        return nullptr;
    }

    /// Whether the plan of the op last passed to find() is double-buffered.
    bool double_buffered() const { return m_plan.double_buffered; }

private:
    std::vector<const models::Op*> m_ops;
    std::vector<hw::ComputeUnit*> m_units;
    size_t m_op = static_cast<size_t>(-1), m_unit = static_cast<size_t>(-1);
    models::TilePlan m_plan;
    uint64_t m_count = 0;
};

}  // namespace qasim::sim

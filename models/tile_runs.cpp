#include "models/tile_runs.h"

#include <algorithm>

namespace qasim::models {

std::vector<Segment> cut_segments(std::vector<uint64_t> cuts, uint64_t n) {
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<Segment> out;
    for (size_t j = 0; j < cuts.size(); ++j) {
        if (cuts[j] >= n) break;
        const uint64_t end = (j + 1 < cuts.size() && cuts[j + 1] < n) ? cuts[j + 1] : n;
        out.push_back({cuts[j], end - cuts[j]});
    }
    return out;
}

bool same_tile(const Tile& a, const Tile& b) {
    return a.load_a_bytes == b.load_a_bytes && a.load_b_bytes == b.load_b_bytes &&
           a.store_bytes == b.store_bytes && a.compute_cycles == b.compute_cycles &&
           a.macs == b.macs && a.sram_read_bytes == b.sram_read_bytes &&
           a.sram_write_bytes == b.sram_write_bytes && a.actions.all() == b.actions.all();
}

void append_run(std::vector<Tile>& runs, const Tile& t, uint64_t count) {
    if (count == 0) return;
    if (!runs.empty() && same_tile(runs.back(), t)) {
        runs.back().count += count;
        return;
    }
    runs.push_back(t);
    runs.back().count = count;
}

void append_runs(std::vector<Tile>& runs, const std::vector<Tile>& list, uint64_t times) {
    if (times == 0 || list.empty()) return;
    if (list.size() == 1) {
        append_run(runs, list[0], list[0].count * times);
        return;
    }
    for (uint64_t k = 0; k < times; ++k)
        for (const auto& t : list) append_run(runs, t, t.count);
}

}  // namespace qasim::models

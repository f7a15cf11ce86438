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

std::vector<Tile> split_k(const Tile& t, uint64_t K, uint64_t piece_k,
                          const std::vector<std::string>& end_only) {
    std::vector<Tile> out;
    if (K == 0 || piece_k == 0 || piece_k >= K) {
        append_run(out, t, 1);
        return out;
    }
    const uint64_t n = (K + piece_k - 1) / piece_k;  // pieces; the last has K − (n−1)·piece_k
    auto share = [&](uint64_t v) {  // floor(v · piece_k / K) without overflow
        return static_cast<uint64_t>(static_cast<unsigned __int128>(v) * piece_k / K);
    };
    Tile p;  // one of the n − 1 equal pieces
    p.compute_cycles = share(t.compute_cycles);
    p.macs = share(t.macs);
    p.load_a_bytes = share(t.load_a_bytes);
    p.load_b_bytes = share(t.load_b_bytes);
    p.sram_read_bytes = share(t.sram_read_bytes);
    Tile last = t;  // the rest
    last.compute_cycles -= (n - 1) * p.compute_cycles;
    last.macs -= (n - 1) * p.macs;
    last.load_a_bytes -= (n - 1) * p.load_a_bytes;
    last.load_b_bytes -= (n - 1) * p.load_b_bytes;
    last.sram_read_bytes -= (n - 1) * p.sram_read_bytes;
    last.actions = ActionCounts();
    for (const auto& [k, v] : t.actions.all()) {
        const bool at_end = std::find(end_only.begin(), end_only.end(), k) != end_only.end();
        const uint64_t s = at_end ? 0 : share(v);
        if (s) p.actions.add(k, s);
        last.actions.add(k, v - (n - 1) * s);
    }
    append_run(out, p, n - 1);
    append_run(out, last, 1);
    return out;
}

}  // namespace qasim::models

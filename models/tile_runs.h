#pragma once
// Run-length helpers shared by the unit models (bitserial, systolic, lut_core): cutting an index
// range into segments of identical tiles, and appending tiles to a run-length encoded tile list.
#include <cstdint>
#include <vector>

#include "models/tile_plan.h"

namespace qasim::models {

/// Index range [start, start + count) within which every index gets the same tile.
struct Segment {
    uint64_t start, count;
};

/// Cuts 0..n−1 at `cuts` (any order; duplicates and cuts >= n are ignored; 0 must be among them)
/// into consecutive segments.
std::vector<Segment> cut_segments(std::vector<uint64_t> cuts, uint64_t n);

/// True when two tiles are equal in everything but their count.
bool same_tile(const Tile& a, const Tile& b);

/// Appends `count` copies of `t` to the run-length encoded list `runs` (extending its last run
/// when that run's tile is the same); a count of 0 appends nothing.
void append_run(std::vector<Tile>& runs, const Tile& t, uint64_t count);

/// Appends the whole run-length encoded list `list` `times` times (a repeated pattern).
void append_runs(std::vector<Tile>& runs, const std::vector<Tile>& list, uint64_t times);

}  // namespace qasim::models

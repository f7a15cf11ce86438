#pragma once
// Run-length helpers shared by the unit models (bitserial, systolic, lut_core): cutting an index
// range into segments of identical tiles, and appending tiles to a run-length encoded tile list.
#include <cstdint>
#include <string>
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

/// Splits a tile over a reduction of length K into pieces of `piece_k` elements of K each (the
/// last one gets the rest; piece_k >= 1). Everything of the tile that scales with K (compute
/// cycles, MACs, loads, buffer reads, every action not in `end_only`) is shared in proportion
/// to each piece's K, rounded down, with the remainders on the last piece, so the pieces add up
/// exactly to the tile; stores, buffer writes and the `end_only` actions (output writes) belong
/// to the last piece. Returned run-length encoded. Used by unit models whose outputs stay in the
/// PEs across K (output stationary) to stream a tile's operands in pieces (double buffering).
std::vector<Tile> split_k(const Tile& t, uint64_t K, uint64_t piece_k,
                          const std::vector<std::string>& end_only);

}  // namespace qasim::models

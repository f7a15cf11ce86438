#pragma once
// Independent reference for the systolic model tests: the README's closed forms written out per
// dataflow in M, K, N terms, and a fold-by-fold walk (SCALE-Sim's loop order) that accumulates
// cycles and accesses without any closed form.
#include <algorithm>
#include <cstdint>

#include "models/systolic/systolic_model.h"

namespace qasim::test {

inline uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

struct RefFolds {
    uint64_t folds = 0, cpf = 0, total = 0;
    uint64_t ifmap = 0, filter = 0, ofmap_w = 0, ofmap_r = 0;
    uint64_t physical = 0;  ///< physical-mode cycles of `batch` instances (fold walk)
    double mapping = 0;
};

/// reference/scalesim/README.md tables, verbatim.
inline RefFolds readme_closed_forms(uint64_t M, uint64_t K, uint64_t N, uint64_t R, uint64_t C,
                                   models::Dataflow d) {
    RefFolds r;
    switch (d) {
    case models::Dataflow::os:
        r.folds = cdiv(M, R) * cdiv(N, C);
        r.cpf = R + C + K - 2;
        r.ifmap = M * K * cdiv(N, C);
        r.filter = K * N * cdiv(M, R);
        r.ofmap_w = M * N + r.folds * (R + C);
        r.mapping = double(M * N) / double(r.folds * R * C);
        break;
    case models::Dataflow::ws:
        r.folds = cdiv(K, R) * cdiv(N, C);
        r.cpf = 2 * R + C + M - 2;
        r.ifmap = M * K * cdiv(N, C);
        r.filter = K * N;
        r.ofmap_w = M * N * cdiv(K, R);
        r.mapping = double(K * N) / double(r.folds * R * C);
        break;
    case models::Dataflow::is:
        r.folds = cdiv(K, R) * cdiv(M, C);
        r.cpf = 2 * R + C + N - 2;
        r.ifmap = M * K;
        r.filter = K * N * cdiv(M, C);
        r.ofmap_w = M * N * cdiv(K, R);
        r.mapping = double(K * M) / double(r.folds * R * C);
        break;
    }
    r.total = r.folds * r.cpf - 1;
    return r;
}

/// Fold-by-fold walk of the physical mode: stream starts s_f advance by the fold interval; the
/// finish time is the maximum over folds of (start + time to the fold's last result).
inline RefFolds physical_walk(uint64_t M, uint64_t K, uint64_t N, uint64_t R, uint64_t C,
                              models::Dataflow d, uint64_t batch) {
    // (rows dim, cols dim, stream) per dataflow
    uint64_t rd = 0, cd = 0, T = 0;
    if (d == models::Dataflow::os) { rd = M; cd = N; T = K; }
    if (d == models::Dataflow::ws) { rd = K; cd = N; T = M; }
    if (d == models::Dataflow::is) { rd = K; cd = M; T = N; }
    RefFolds r;
    uint64_t s = 0, finish = 0;
    bool first = true;
    for (uint64_t b = 0; b < batch; ++b) {
        for (uint64_t c0 = 0; c0 < cd; c0 += C) {
            for (uint64_t r0 = 0; r0 < rd; r0 += R) {
                const uint64_t ru = std::min(R, rd - r0), cu = std::min(C, cd - c0);
                if (d == models::Dataflow::os) {
                    if (!first) s += std::max(K, R);  // column drain throughput
                    finish = std::max(finish, s + K + ru + cu - 2 + R);
                } else {
                    // preload ru rows: first one exposed, later ones behind the previous stream
                    if (first) s = ru;
                    else s += std::max(T, ru);
                    finish = std::max(finish, s + T + R + cu - 2);
                }
                first = false;
                ++r.folds;
                if (b == 0) {
                    if (d != models::Dataflow::os && r0 > 0) r.ofmap_r += T * cu;
                }
            }
        }
    }
    r.physical = finish;
    return r;
}

}  // namespace qasim::test

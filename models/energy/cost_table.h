#pragma once
// A unit's energy reference table (Timeloop/Accelergy ERT) and area: pJ per action it counts,
// leakage power, and area by component. Energy = Σ action count × pJ per action + leakage × time.
#include <map>
#include <string>

namespace qasim::models {

struct CostTable {
    std::map<std::string, double> pj_per_action;  ///< action name → energy of one action (pJ)
    std::map<std::string, double> area_mm2;       ///< component → area (mm²)
    double leakage_mw = 0.0;                       ///< static power of the whole unit (mW)

    double total_area_mm2() const {
        double a = 0;
        for (const auto& [k, v] : area_mm2) a += v;
        return a;
    }
};

}  // namespace qasim::models

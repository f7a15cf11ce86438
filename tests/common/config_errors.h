#pragma once
// Parses and validates one config section in a test (header only): the messages a user would see.
#include <string>

#include "sim/errors.h"
#include "sim/fields.h"

namespace qasim::tests {

/// Parses `raw` as the section at key path `path` of hw.yaml into a Cfg (its field table),
/// validates it when it parsed, and returns every message, one per line ("" when valid). The
/// parsed config goes to `*cfg` when given.
template <class Cfg>
std::string config_errors(const sim::RawSection& raw, const std::string& path, Cfg* cfg = nullptr) {
    Cfg c;
    sim::Errors errs("hw.yaml");
    Cfg::fields().parse(raw, c, path, errs);
    if (errs.empty()) c.validate(path, errs);
    if (cfg) *cfg = c;
    std::string all;
    for (const auto& m : errs.messages()) all += m + "\n";
    return all;
}

}  // namespace qasim::tests

// Fuzz target: the sweep YAML parser and point expansion.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "sim/errors.h"
#include "sim/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto spec = qasim::sim::parse_sweep_text(text, "fuzz.yaml");
        auto combos = qasim::sim::sweep_combinations(spec);
        (void)combos;
    } catch (const qasim::sim::ConfigError&) {
    } catch (const qasim::models::FormatError&) {
    }
    return 0;
}

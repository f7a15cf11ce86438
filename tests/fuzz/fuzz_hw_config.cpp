// Fuzz target: the hardware YAML loader. Any input must either parse or raise ConfigError /
// FormatError; any other exception, crash, hang or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "sim/errors.h"
#include "sim/hw_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto hw = qasim::sim::parse_hw_config(text, "fuzz.yaml");
        (void)hw.resolved_yaml();
    } catch (const qasim::sim::ConfigError&) {
    } catch (const qasim::models::FormatError&) {
    }
    return 0;
}

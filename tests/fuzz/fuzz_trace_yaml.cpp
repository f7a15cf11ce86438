// Fuzz target: the YAML trace reader (schema qasim.trace/1).
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "sim/errors.h"
#include "workloads/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto t = qasim::workloads::parse_trace_yaml(text, "fuzz.yaml");
        (void)qasim::workloads::to_yaml(t);
        (void)t.total_macs();
    } catch (const qasim::sim::ConfigError&) {
    } catch (const qasim::models::FormatError&) {
    }
    return 0;
}

// Fuzz target: the CSV trace reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "sim/errors.h"
#include "workloads/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto t = qasim::workloads::parse_trace_csv(text, "fuzz.csv");
        (void)qasim::workloads::to_csv(t);
        (void)t.total_macs();
    } catch (const qasim::sim::ConfigError&) {
    } catch (const qasim::models::FormatError&) {
    }
    return 0;
}

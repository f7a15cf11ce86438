// Fuzz target: number-format strings.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/formats/format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto f = qasim::models::parse_format(text);
        (void)f.matrix_bytes(4096, 4096);
        (void)f.bits_per_element();
        auto g = qasim::models::parse_format(f.spec);
        if (g.spec != f.spec) __builtin_trap();  // canonical spelling round-trips
    } catch (const qasim::models::FormatError&) {
    }
    return 0;
}

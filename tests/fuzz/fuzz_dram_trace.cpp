// Fuzz target: the DRAM trace line reader (`0xADDR READ|WRITE [CYCLE]`, `0xADDR R|W`).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "models/dram/memtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::string line;
    while (std::getline(in, line)) {
        qasim::models::dram::MemRequest r;
        std::string err;
        (void)qasim::models::dram::parse_trace_line(line, &r, &err);
    }
    return 0;
}

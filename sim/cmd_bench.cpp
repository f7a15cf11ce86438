#include <iostream>

#include "sim/commands.h"

namespace qasim::sim {
int cmd_bench(int, char**) {
    std::cerr << "qasim bench: not available in this build yet\n";
    return 2;
}
}  // namespace qasim::sim

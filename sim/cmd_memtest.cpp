#include <iostream>

#include "sim/commands.h"

namespace qasim::sim {
int cmd_memtest(int, char**) {
    std::cerr << "qasim memtest: not available in this build yet\n";
    return 2;
}
}  // namespace qasim::sim

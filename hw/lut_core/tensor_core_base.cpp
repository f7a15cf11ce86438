#include "hw/lut_core/tensor_core_base.h"

#include "models/energy/tech.h"

namespace qasim::hw {

void add_buffer_costs(const models::Tech& tech, models::CostTable& out, const std::string& name,
                      uint64_t bytes, uint32_t width_bits, bool with_area) {
    namespace E = models::energy;
    namespace A = models::area;
    out.pj_per_action["sram_read_bits." + name] = E::sram_read_pj_per_bit(tech, bytes, width_bits);
    out.pj_per_action["sram_write_bits." + name] = E::sram_write_pj_per_bit(tech, bytes, width_bits);
    if (with_area) out.area_mm2[name + "_sram"] = A::sram_mm2(tech, bytes, width_bits);
}

}  // namespace qasim::hw

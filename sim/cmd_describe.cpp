#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"

namespace po = boost::program_options;

namespace qasim::sim {
namespace {

void print_type(const RegistryEntry& e) {
    std::cout << e.type << " (" << to_string(e.role) << "): " << e.description << "\n\n";
    std::cout << std::left << std::setw(26) << "key" << std::setw(9) << "type" << std::setw(10) << "unit"
              << std::setw(14) << "default" << "description [allowed]\n";
    for (const auto& f : e.describe()) {
        std::cout << std::left << std::setw(26) << f.key << std::setw(9) << f.type << std::setw(10)
                  << (f.unit.empty() ? "-" : f.unit) << std::setw(14) << f.default_value << f.description;
        if (!f.allowed.empty()) std::cout << " [" << f.allowed << "]";
        std::cout << "\n";
    }
}

}  // namespace

int cmd_describe(int argc, char** argv) {
    return guarded("describe", [&] {
        std::string type, hw_path;
        std::vector<std::string> sets;
        po::options_description desc("qasim describe [TYPE] | --hw FILE");
        desc.add_options()("help,h", "this help")("type", po::value(&type), "unit, memory or interconnect type")
            ("hw", po::value(&hw_path), "print the area/leakage table of a hardware YAML without simulating")
            ("set", po::value(&sets)->composing(), "override a hardware key: KEY.PATH=VALUE");
        po::positional_options_description pos;
        pos.add("type", 1);
        po::variables_map vm;
        if (parse_options(argc, argv, desc, vm, &pos)) {
            std::cout << desc << "\n";
            return 0;
        }
        if (!hw_path.empty()) {
            setup_systemc_reports(false);
            HwConfig hw = load_hw_config(hw_path, sets);
            models::Tech tech = hw.tech_file.empty() ? load_tech(static_cast<int>(hw.tech_nm)) : load_tech_file(hw.tech_file);
            workloads::Trace empty;
            empty.source = "(none)";
            Simulation sim(hw, empty, tech);
            double total = 0, leak = 0;
            std::cout << "area of " << hw.name << " at " << (hw.tech_file.empty() ? std::to_string(hw.tech_nm) + " nm" : hw.tech_file) << "\n\n";
            std::cout << std::left << std::setw(30) << "module / component" << std::right << std::setw(14) << "area mm^2"
                      << std::setw(14) << "leakage mW" << "\n";
            for (const auto& m : sim.costs()) {
                std::cout << std::left << std::setw(30) << m.name << std::right << std::setw(14) << std::fixed
                          << std::setprecision(4) << m.area_mm2 << std::setw(14) << m.leakage_pj << "\n";
                for (const auto& [c, a] : m.area_breakdown)
                    std::cout << std::left << std::setw(30) << ("  " + c) << std::right << std::setw(14) << a << "\n";
                total += m.area_mm2;
                leak += m.leakage_pj;
            }
            std::cout << std::left << std::setw(30) << "total" << std::right << std::setw(14) << total << std::setw(14)
                      << leak << "\n";
            return 0;
        }
        if (type.empty()) {
            for (Role r : {Role::unit, Role::memory, Role::interconnect}) {
                std::cout << to_string(r) << " types:\n";
                for (const auto* e : Registry::all(r))
                    std::cout << "  " << std::left << std::setw(20) << e->type << e->description << "\n";
            }
            std::cout << "\nqasim describe TYPE prints a type's fields.\n";
            return 0;
        }
        const RegistryEntry* e = Registry::find_any(type);
        if (!e) {
            std::string all;
            for (Role r : {Role::unit, Role::memory, Role::interconnect}) all += (all.empty() ? "" : ", ") + Registry::names(r);
            throw ConfigError("unknown type '" + type + "'; registered types: " + all);
        }
        print_type(*e);
        return 0;
    });
}

}  // namespace qasim::sim

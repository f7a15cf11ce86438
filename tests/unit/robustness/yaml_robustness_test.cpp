// Robustness of the YAML front ends (issue 12): inputs the fuzzers found must raise ConfigError
// naming file and key path, never a yaml-cpp exception (which main reports as an internal error).
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "sim/errors.h"
#include "sim/hw_config.h"
#include "sim/yaml_util.h"

namespace qasim::sim {
namespace {

std::string hw_error(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        (void)parse_hw_config(text, "f.yaml", sets);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

const char* const kTiny =
    "memory:\n  m0: {type: ideal}\n"
    "units:\n  v0: {type: vector_unit, lanes: 8}\n"
    "mapping:\n  - {ops: [gelu], unit: v0}\n";

TEST(YamlRobustness, MapAsTopLevelKey) {
    const std::string e = hw_error("{a: 1}: 3\n");
    EXPECT_NE(e.find("f.yaml: top level: line 1: a key must be a plain name, got a map"),
              std::string::npos)
        << e;
}

TEST(YamlRobustness, ListAsSimKey) {
    const std::string e = hw_error(std::string(kTiny) + "dma: {}\n" + "sim: {[q]: 1}\n");
    EXPECT_NE(e.find("f.yaml: sim: line"), std::string::npos) << e;
    EXPECT_NE(e.find("got a list"), std::string::npos) << e;
}

TEST(YamlRobustness, MapKeyInsideUnitAndMapping) {
    std::string t = kTiny;
    EXPECT_NE(hw_error(t + "placement: {{w: 1}: m0}\n").find("placement: line"), std::string::npos);
    const std::string u =
        "memory:\n  m0: {type: ideal}\nunits:\n  v0: {type: vector_unit, [lanes]: 8}\n";
    EXPECT_NE(hw_error(u).find("units.v0: line 4"), std::string::npos) << hw_error(u);
    const std::string m = "memory:\n  m0: {type: ideal}\nmapping:\n  - {[ops]: [gelu], unit: m0}\n";
    EXPECT_NE(hw_error(m).find("mapping[0]: line 4"), std::string::npos) << hw_error(m);
}

TEST(YamlRobustness, SetWithInvalidYamlValue) {
    const std::string e = hw_error(kTiny, {"units.v0.lanes=["});
    EXPECT_NE(e.find("--set 'units.v0.lanes=[': value '[' is not valid YAML"), std::string::npos)
        << e;
    EXPECT_NE(hw_error(kTiny, {"units.v0.lanes=*nope"}).find("not valid YAML"), std::string::npos);
}

TEST(YamlRobustness, DeepNestingIsASyntaxErrorNotACrash) {
    const std::string deep = "a: " + std::string(20000, '[') + std::string(20000, ']') + "\n";
    EXPECT_NE(hw_error(deep).find("f.yaml"), std::string::npos);
}

TEST(YamlRobustness, GoodTinyConfigStillParses) { EXPECT_EQ(hw_error(kTiny), ""); }

}  // namespace
}  // namespace qasim::sim

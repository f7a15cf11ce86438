#!/usr/bin/env python3
"""Bad hardware YAML files: exit 2, message naming file, key path, value and what is allowed."""
from robust_util import TINY_HW, TINY_WL, TMP, done, expect_error, write

GOOD = open(TINY_HW).read()


def hw_case(name, old, new, *needles):
    assert old in GOOD, old
    p = write(name, GOOD.replace(old, new))
    expect_error(["run", "--hw", p, "--workload", TINY_WL], p, *needles)


def main():
    # A map used as a map key: yaml-cpp's as<std::string>() threw TypedBadConversion (exit 3) before.
    p = write("map_key.yaml", "{a: 1}: 3\n")
    expect_error(["run", "--hw", p, "--workload", TINY_WL], p, "top level", "line 1", "plain name")
    expect_error(["describe", "--hw", p], p, "plain name")
    hw_case("unit_map_key.yaml", "    rows: 16", "    [1, 2]: 16", "units.sa0", "plain name", "list")
    hw_case("unit_name_key.yaml", "  sa0:", "  {x: 1}:", "units", "plain name")
    p = write("syntax.yaml", "name: x\n  bad: [\n")
    expect_error(["run", "--hw", p, "--workload", TINY_WL], p + ":2:", "YAML syntax error")
    p = write("empty.yaml", "")
    expect_error(["run", "--hw", p, "--workload", TINY_WL], p, "must be a YAML map", "units")
    p = write("list.yaml", "- 1\n- 2\n")
    expect_error(["run", "--hw", p, "--workload", TINY_WL], p, "must be a YAML map", "clock_mhz")
    expect_error(["run", "--hw", TMP, "--workload", TINY_WL], TMP, "is a directory")
    hw_case("huge_int.yaml", "rows: 16", "rows: 99999999999999999999999", "units.sa0.rows",
            "'99999999999999999999999'", "[1, 65536]")
    hw_case("float_int.yaml", "rows: 16", "rows: 16.5", "units.sa0.rows", "'16.5'", "integer")
    hw_case("list_int.yaml", "rows: 16", "rows: [16]", "units.sa0.rows", "scalar")
    hw_case("neg_clock.yaml", "clock_mhz: 1000", "clock_mhz: -5", "clock_mhz", "'-5'", "[0.001")
    hw_case("nan_clock.yaml", "clock_mhz: 1000", "clock_mhz: .nan", "clock_mhz", ".nan")
    hw_case("tech.yaml", "tech_nm: 28", "tech_nm: 29", "tech_nm", "'29'", "45, 28, 16, 7")
    hw_case("pe_format.yaml", "pe_format: int8", "pe_format: int99", "units.sa0.pe_format", "int99",
            "Allowed")
    hw_case("mem_type.yaml", "{type: ideal}", "{type: floppy}", "memory.mem0.type", "floppy",
            "allowed: hbm, ideal")
    hw_case("map_unit.yaml", "unit: sa0}", "unit: sa9}", "mapping[0].unit", "sa9")
    hw_case("top_key.yaml", "tech_nm: 28", "tech_nm: 28\ncolour: red", "colour", "unknown key",
            "allowed keys")
    hw_case("no_memory.yaml", "memory:\n  mem0: {type: ideal}\n", "", "memory", "at least one memory")
    hw_case("dup_name.yaml", "memory:\n  mem0:", "memory:\n  sa0:", "memory.sa0", "duplicate")
    hw_case("xbar.yaml", "bytes_per_cycle: 64", "bytes_per_cycle: 0", "interconnect.bytes_per_cycle",
            "'0'")
    done("hardware YAML")


main()

#!/usr/bin/env python3
"""Bad traces (YAML and CSV) and number formats: exit 2, message naming file, row/key, value, allowed."""
from robust_util import CSV_HEADER, TINY_HW, done, expect_error, write

ROW = "schema: qasim.trace/1\nops:\n  - {name: x, op: gemm, m: 4, k: 4, n: 4%s}\n"


def yaml_case(name, text, *needles):
    p = write(name, text)
    expect_error(["run", "--hw", TINY_HW, "--workload", p], p, *needles)


def csv_case(name, rows, *needles, header=CSV_HEADER):
    p = write(name, header + rows)
    expect_error(["run", "--hw", TINY_HW, "--workload", p], p, *needles)


def main():
    # YAML traces.
    yaml_case("schema.yaml", "schema: qasim.trace/9\nops:\n  - {name: x, op: add, elems: 4}\n",
              "schema", "qasim.trace/9", "qasim.trace/1")
    yaml_case("no_ops.yaml", "schema: qasim.trace/1\n", "ops", "required")
    yaml_case("row_key.yaml", ROW % ", colour: red", "ops[0]", "colour", "unknown key", "allowed: name, op")
    yaml_case("neg_k.yaml", ROW.replace("k: 4", "k: -4") % "", "ops[0]", "k", "'-4'", ">= 1")
    yaml_case("a_fmt.yaml", ROW % ", a_fmt: int77", "a_fmt", "int77", "Allowed")
    yaml_case("b_src.yaml", ROW % ", b_src: floppy", "b_src", "floppy", "weight, kv, act")
    yaml_case("no_elems.yaml", "schema: qasim.trace/1\nops:\n  - {name: x, op: gelu}\n", "elems",
              "required for op gelu")
    yaml_case("quant.yaml", "schema: qasim.trace/1\nquant: {weights: int4/g0}\n" + ROW.split("\n", 1)[1] % "",
              "quant.weights", "int4/g0", "group size")
    yaml_case("map_key.yaml", "schema: qasim.trace/1\n{a: 1}: 2\n" + ROW.split("\n", 1)[1] % "")
    # CSV traces.
    csv_case("header.csv", "", "line 1", "unknown column 'nom'", "allowed: name, op",
             header=CSV_HEADER.replace("name,", "nom,"))
    csv_case("non_int.csv", "x,gemm,4,four,4,1,1,,weight,,,\n", "line 2", "k", "'four'", ">= 1")
    csv_case("repeat0.csv", "x,gemm,4,4,4,1,0,,weight,,,\n", "line 2", "repeat", "'0'")
    csv_case("fmt.csv", "x,gemm,4,4,4,1,1,,weight,fp5,,\n", "line 2", "a_fmt", "fp5", "Allowed")
    csv_case("huge.csv", "x,gemm,4,4,99999999999999999999,1,1,,weight,,,\n", "line 2", "n",
             "'99999999999999999999'")
    csv_case("op.csv", "x,convolve,4,4,4,1,1,,weight,,,\n", "line 2", "convolve")
    csv_case("short.csv", "x,gemm,4,4\n", "line 2", "n")
    # Number formats anywhere a format is read: the trace's --quant and the hw pe_format.
    for fmt, why in [("int0", "width"), ("fp4_e9m9", "unknown base"), ("int4/g-1", "g-1"),
                     ("int4/g128/fp99", "fp99")]:
        yaml_case(f"fmt_{len(fmt)}_{fmt[:4]}.yaml", ROW % f", b_fmt: '{fmt}'", "b_fmt", fmt, why)
    done("trace/format")


main()

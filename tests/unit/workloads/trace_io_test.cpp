// Trace reader/writer: YAML and CSV layouts, defaults, round trips, and every error path.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

const char* kBriefYaml = R"(schema: qasim.trace/1
model: llama2-7b
phase: decode            # prefill | decode
batch: 1
seq: 1023                # optional
context: 1024
quant: {weights: int4/g128, activations: fp16, kv: int2/g32/fp16sz, scores: fp16}
ops:
  - {name: L.qkv, op: gemm, m: 1, k: 4096, n: 12288, b_src: weight, repeat: 32}
  - {name: L.qk, op: attention_qk, m: 1, k: 128, n: 1024, batch: 32, b_src: kv, repeat: 32}
  - {name: L.soft, op: softmax, elems: 32768, repeat: 32}
)";

std::string yaml_with_row(const std::string& row) {
    return "schema: qasim.trace/1\nops:\n  - " + row + "\n";
}
std::string yaml_error(const std::string& text) {
    return error_of([&] { parse_trace_yaml(text, "t.yaml"); });
}
std::string csv_error(const std::string& text) {
    return error_of([&] { parse_trace_csv(text, "t.csv"); });
}

TEST(TraceYaml, ParsesTheDocumentedLayout) {
    const Trace t = parse_trace_yaml(kBriefYaml, "brief.yaml");
    EXPECT_EQ(t.model, "llama2-7b");
    EXPECT_EQ(t.phase, "decode");
    EXPECT_EQ(t.batch, 1u);
    EXPECT_EQ(t.seq, 1023u);
    EXPECT_EQ(t.context, 1024u);
    EXPECT_EQ(t.source, "brief.yaml");
    ASSERT_EQ(t.ops.size(), 3u);
    const Op& qkv = t.ops[0];
    EXPECT_EQ(qkv.kind, OpKind::gemm);
    EXPECT_EQ(qkv.m, 1u);
    EXPECT_EQ(qkv.k, 4096u);
    EXPECT_EQ(qkv.n, 12288u);
    EXPECT_EQ(qkv.repeat, 32u);
    EXPECT_EQ(qkv.a.spec, "fp16");
    EXPECT_EQ(qkv.b.spec, "int4/g128");
    EXPECT_EQ(qkv.out.spec, "fp16");
    const Op& qk = t.ops[1];
    EXPECT_EQ(qk.batch, 32u);
    EXPECT_EQ(qk.b_src, BSrc::kv);
    // The KIVI cache format becomes the groups-along-N operand form on qk/pv rows.
    EXPECT_EQ(qk.b.spec, "int2/gn32/fp16sz");
    EXPECT_EQ(qk.b.meta_bytes(128, 1024), 128u * 32 * 4);
    const Op& soft = t.ops[2];
    EXPECT_EQ(soft.elems, 32768u);
    EXPECT_EQ(soft.macs(), 0u);
    EXPECT_EQ(t.total_macs(), 32u * (4096ull * 12288 + 128ull * 1024 * 32));
}

TEST(TraceYaml, DefaultsAndOverrides) {
    const Trace t = parse_trace_yaml(R"(schema: qasim.trace/1
quant: {weights: int8/channel, activations: int8, kv: int4/g64/fp16sz, scores: log2_4}
ops:
  - {name: a, op: gemm, m: 2, k: 3, n: 4}
  - {name: b, op: attention_qk, m: 1, k: 64, n: 10}
  - {name: c, op: attention_pv, m: 1, k: 10, n: 64, b_src: act}
  - {name: d, op: softmax, elems: 10}
  - {name: e, op: kv_write, elems: 128}
  - {name: f, op: gemm, m: 1, k: 8, n: 8, a_fmt: fp16, b_fmt: nvfp4, out_fmt: bf16}
  - {name: g, op: embedding, elems: 64}
)",
                                     "x.yaml");
    EXPECT_EQ(t.phase, "prefill");
    EXPECT_EQ(t.batch, 1u);
    EXPECT_EQ(t.seq, 0u);
    const auto& o = t.ops;
    EXPECT_EQ(o[0].b_src, BSrc::weight);
    EXPECT_EQ(o[0].b.spec, "int8/channel");
    EXPECT_EQ(o[0].a.spec, "int8");
    EXPECT_EQ(o[0].batch, 1u);
    EXPECT_EQ(o[0].repeat, 1u);
    EXPECT_EQ(o[1].b_src, BSrc::kv);
    EXPECT_EQ(o[1].b.spec, "int4/gn64/fp16sz");
    EXPECT_EQ(o[2].b_src, BSrc::act);
    EXPECT_EQ(o[2].b.spec, "int8");
    EXPECT_EQ(o[2].a.spec, "log2_4");    // pv's A operand is the scores
    EXPECT_EQ(o[3].out.spec, "log2_4");  // softmax writes the scores
    EXPECT_EQ(o[4].out.spec, "int4/g64/fp16sz");
    EXPECT_EQ(o[5].a.spec, "fp16");
    EXPECT_EQ(o[5].b.spec, "nvfp4");
    EXPECT_EQ(o[5].out.spec, "bf16");
    EXPECT_EQ(o[6].a.spec, "int8/channel");  // embedding table = weights
    // Missing roles are fp16; scores default to the activations format.
    const Trace u =
        parse_trace_yaml(yaml_with_row("{name: p, op: attention_pv, m: 1, k: 4, n: 4}"), "u.yaml");
    EXPECT_EQ(u.ops[0].a.spec, "fp16");
    EXPECT_EQ(u.ops[0].b.spec, "fp16");
    const Trace v = parse_trace_yaml("schema: qasim.trace/1\nquant: {activations: int8}\nops:\n"
                                     "  - {name: p, op: attention_pv, m: 1, k: 4, n: 4}\n",
                                     "v.yaml");
    EXPECT_EQ(v.ops[0].a.spec, "int8");
}

TEST(TraceYaml, RoundTripOfGeneratedTraces) {
    for (const std::string spec :
         {"zoo:llama2-7b:decode?quant=W4A16KV2&kv_residual=128", "zoo:vit-b16?quant=W8A8",
          "zoo:falcon-7b",
          "zoo:mistral-7b?seq=300&causal=exact&quant=weights=nvfp4,activations=fp8_e4m3",
          "zoo:bitnet-2b4t:decode?batch=3", "zoo:opt-13b?logits=all&seq=64&quant=W4A4"}) {
        const Trace t = zoo_trace(spec);
        const std::string y = to_yaml(t);
        const Trace back = parse_trace_yaml(y, "rt.yaml");
        EXPECT_EQ(to_yaml(back), y) << spec;
        ASSERT_EQ(back.ops.size(), t.ops.size()) << spec;
        for (size_t i = 0; i < t.ops.size(); ++i) {
            EXPECT_EQ(back.ops[i].a, t.ops[i].a) << spec << " " << t.ops[i].name;
            EXPECT_EQ(back.ops[i].b, t.ops[i].b) << spec << " " << t.ops[i].name;
            EXPECT_EQ(back.ops[i].out, t.ops[i].out) << spec << " " << t.ops[i].name;
            EXPECT_EQ(back.ops[i].b_src, t.ops[i].b_src) << spec << " " << t.ops[i].name;
        }
        EXPECT_EQ(back.total_macs(), t.total_macs()) << spec;
        // CSV carries the same trace.
        const std::string c = to_csv(t);
        EXPECT_EQ(to_yaml(parse_trace_csv(c, "rt.csv")), y) << spec;
        EXPECT_EQ(to_csv(parse_trace_csv(c, "rt.csv")), c) << spec;
    }
}

TEST(TraceYaml, OddNamesAreQuoted) {
    Trace t;
    models::Op op;
    op.name = "a, b: {c} #d \"e\"";
    op.kind = OpKind::add;
    op.elems = 3;
    t.ops.push_back(op);
    const Trace y = parse_trace_yaml(to_yaml(t), "q.yaml");
    EXPECT_EQ(y.ops[0].name, op.name);
    const Trace c = parse_trace_csv(to_csv(t), "q.csv");
    EXPECT_EQ(c.ops[0].name, op.name);
}

TEST(TraceYaml, Errors) {
    // Unknown op kind lists the op kinds.
    std::string e = yaml_error(yaml_with_row("{name: x, op: atention_qk, m: 1, k: 1, n: 1}"));
    EXPECT_HAS(e, "t.yaml: ops[0] (x), line 3: op: unknown op 'atention_qk'; allowed: gemm, gemv, "
                  "attention_qk, attention_pv, softmax");
    EXPECT_HAS(e, "lut_build");
    // Unknown row key.
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 1, n: 1, tile: 4}"));
    EXPECT_HAS(e,
               "ops[0] (x), line 3: tile: unknown key; allowed: name, op, m, k, n, batch, repeat");
    // Unknown top-level key.
    e = yaml_error("schema: qasim.trace/1\ncontxt: 3\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e,
               "t.yaml: contxt: unknown key; allowed: schema, model, phase, batch, seq, context");
    // Bad format strings quote the format grammar.
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 1, n: 1, b_fmt: int4/q128}"));
    EXPECT_HAS(e, "ops[0] (x), line 3: b_fmt: format 'int4/q128': unknown granularity 'q128'");
    EXPECT_HAS(e, "BASE[/GRANULARITY[/SCALE]]");
    e = yaml_error(
        "schema: qasim.trace/1\nquant: {weights: int99}\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "quant.weights: format 'int99': integer width must be 1..16");
    e = yaml_error(
        "schema: qasim.trace/1\nquant: {weight: int4}\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "quant.weight: unknown role; allowed: weights, activations, kv, scores");
    // Matmul shape rules.
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 0, k: 1, n: 1}"));
    EXPECT_HAS(e, "(x), line 3: m: must be an integer >= 1, got '0'");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 1}"));
    EXPECT_HAS(e, "n: required for matmul op gemm (m, k, n >= 1)");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 1, n: 2, elems: 4}"));
    EXPECT_HAS(e, "elems: not allowed on matmul op gemm");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: -1, n: 2}"));
    EXPECT_HAS(e, "k: must be an integer >= 1, got '-1'");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 2.5, n: 2}"));
    EXPECT_HAS(e, "k: must be an integer >= 1, got '2.5'");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 2, n: 2, batch: 0}"));
    EXPECT_HAS(e, "batch: must be an integer >= 1, got '0'");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 2, n: 2, repeat: 0}"));
    EXPECT_HAS(e, "repeat: must be an integer >= 1, got '0'");
    e = yaml_error(yaml_with_row("{name: x, op: gemm, m: 1, k: 2, n: 2, b_src: weights}"));
    EXPECT_HAS(e, "b_src: unknown 'weights'; allowed: weight, kv, act");
    // Non-matmul rules.
    e = yaml_error(yaml_with_row("{name: x, op: softmax}"));
    EXPECT_HAS(e, "elems: required for op softmax (elems >= 1)");
    e = yaml_error(yaml_with_row("{name: x, op: softmax, elems: 0}"));
    EXPECT_HAS(e, "elems: must be an integer >= 1, got '0'");
    e = yaml_error(yaml_with_row("{name: x, op: softmax, elems: 4, m: 2}"));
    EXPECT_HAS(e, "m: not allowed on op softmax");
    e = yaml_error(yaml_with_row("{name: x, op: add, elems: 4, b_fmt: int8}"));
    EXPECT_HAS(e, "b_fmt: not allowed on op add");
    // Names, values, structure.
    e = yaml_error(yaml_with_row("{op: add, elems: 4}"));
    EXPECT_HAS(e, "ops[0], line 3: name: required");
    e = yaml_error(yaml_with_row("{name: x, elems: 4}"));
    EXPECT_HAS(e, "op: required; allowed: gemm");
    e = yaml_error(yaml_with_row("{name: x, op: add, elems: [4]}"));
    EXPECT_HAS(e, "elems: must be a scalar");
    e = yaml_error("schema: qasim.trace/1\nops:\n  - 5\n");
    EXPECT_HAS(e, "ops[0], line 3: must be a map");
    e = yaml_error("schema: qasim.trace/1\nops: 5\n");
    EXPECT_HAS(e, "ops: must be a list of rows");
    e = yaml_error("schema: qasim.trace/1\nquant: int4\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "quant: must be a map of role: format");
    e = yaml_error(
        "schema: qasim.trace/1\nquant: {kv: [int4]}\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "quant.kv: must be a format string");
    e = yaml_error("schema: qasim.trace/1\nmodel: [a]\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "model: must be a scalar");
    e = yaml_error("schema: qasim.trace/1\nops: []\n");
    EXPECT_HAS(e, "ops: must hold at least one row");
    e = yaml_error("schema: qasim.trace/1\n");
    EXPECT_HAS(e, "ops: required");
    e = yaml_error("ops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "t.yaml: schema: required: add `schema: qasim.trace/1`");
    e = yaml_error("schema: qasim.trace/2\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "schema: must be 'qasim.trace/1', got 'qasim.trace/2'");
    e = yaml_error(
        "schema: qasim.trace/1\nphase: generate\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "phase: must be one of prefill, decode, got 'generate'");
    e = yaml_error("schema: qasim.trace/1\nbatch: 0\nops:\n  - {name: x, op: add, elems: 1}\n");
    EXPECT_HAS(e, "batch: must be an integer >= 1, got '0'");
    e = yaml_error("schema: qasim.trace/1\nops: [\n");
    EXPECT_HAS(e, "t.yaml:");
    e = yaml_error("- a\n- b\n");
    EXPECT_HAS(e, "t.yaml: a trace must be a YAML map");
    // Every error of a file is reported at once.
    e = yaml_error("schema: qasim.trace/1\nops:\n  - {name: x, op: gemm, m: 0, k: 1, n: 1}\n"
                   "  - {name: y, op: softmax}\n");
    EXPECT_HAS(e, "ops[0] (x)");
    EXPECT_HAS(e, "ops[1] (y)");
}

TEST(TraceCsv, ColumnsInAnyOrderCommentsAndTraceFields) {
    const Trace t = parse_trace_csv(R"(# a hand-written trace
# schema: qasim.trace/1
# model: tiny
# phase: decode
# batch: 2
# context: 16
# quant: {weights: int4/g128, kv: int2/g32/fp16sz}
op,name,n,k,m,batch,repeat,b_src,elems,a_fmt,b_fmt,out_fmt
gemm,"L.q, proj",64,64,2,,4,,,,,
# comments between rows are fine
attention_qk,L.qk,16,32,1,4,4,kv,,,,

softmax,L.soft,,,,,4,,128,,,fp16
gemm,head,10,64,2,,,,,,int8,
)",
                                    "t.csv");
    EXPECT_EQ(t.model, "tiny");
    EXPECT_EQ(t.phase, "decode");
    EXPECT_EQ(t.batch, 2u);
    EXPECT_EQ(t.context, 16u);
    ASSERT_EQ(t.ops.size(), 4u);
    EXPECT_EQ(t.ops[0].name, "L.q, proj");
    EXPECT_EQ(t.ops[0].m, 2u);
    EXPECT_EQ(t.ops[0].k, 64u);
    EXPECT_EQ(t.ops[0].n, 64u);
    EXPECT_EQ(t.ops[0].repeat, 4u);
    EXPECT_EQ(t.ops[0].b.spec, "int4/g128");
    EXPECT_EQ(t.ops[1].b.spec, "int2/gn32/fp16sz");
    EXPECT_EQ(t.ops[1].batch, 4u);
    EXPECT_EQ(t.ops[2].elems, 128u);
    EXPECT_EQ(t.ops[3].b.spec, "int8");
    EXPECT_EQ(t.ops[3].repeat, 1u);
    // Without trace-level comments the defaults apply.
    const Trace d = parse_trace_csv("name,op,elems\nx,add,4\n", "d.csv");
    EXPECT_EQ(d.schema, "qasim.trace/1");
    EXPECT_EQ(d.phase, "prefill");
    EXPECT_EQ(d.batch, 1u);
}

TEST(TraceCsv, Errors) {
    std::string e = csv_error("name,op,m,k,n\nx,gemm,1,2,0\n");
    EXPECT_HAS(e, "t.csv: line 2 (x): n: must be an integer >= 1, got '0'");
    e = csv_error("name,op,m,k,n\nx,gem,1,2,3\n");
    EXPECT_HAS(e, "t.csv: line 2 (x): op: unknown op 'gem'; allowed: gemm, gemv");
    e = csv_error("name,op,tile\nx,add,1\n");
    EXPECT_HAS(e, "t.csv: line 1: header: unknown column 'tile'; allowed: name, op, m, k, n");
    e = csv_error("name,op,elems,elems\nx,add,1,1\n");
    EXPECT_HAS(e, "duplicate column 'elems'");
    e = csv_error("op,elems\nadd,1\n");
    EXPECT_HAS(e, "header: missing column 'name'");
    e = csv_error("# only comments\n");
    EXPECT_HAS(e, "t.csv: no header line");
    e = csv_error("name,op,elems\n");
    EXPECT_HAS(e, "no op rows");
    e = csv_error("name,op,elems\nx,add,1,7\n");
    EXPECT_HAS(e, "line 2: has 4 cells, the header has 3");
    e = csv_error("name,op,elems\n\"x,add,1\n");
    EXPECT_HAS(e, "line 2: unterminated double quote");
    e = csv_error("name,op,m,k,n,b_fmt\nx,gemm,1,1,1,fp5\n");
    EXPECT_HAS(e,
               "line 2 (x): b_fmt: format 'fp5': unknown base 'fp5'. Allowed: BASE[/GRANULARITY");
    e = csv_error("# phase: both\nname,op,elems\nx,add,1\n");
    EXPECT_HAS(e, "t.csv: phase: must be one of prefill, decode, got 'both'");
    e = csv_error("# quant: weights=int4\nname,op,elems\nx,add,1\n");
    EXPECT_HAS(e, "line 1: quant: must be a map of role: format");
    e = csv_error("# quant: {weights: int4/x}\nname,op,elems\nx,add,1\n");
    EXPECT_HAS(e, "quant.weights: format 'int4/x'");
    e = csv_error("name,op,elems\nx,softmax,\n");
    EXPECT_HAS(e, "line 2 (x): elems: required for op softmax");
}

TEST(TraceFiles, LoadAndResolve) {
    const std::string dir = ::testing::TempDir();
    const std::string stem = dir + "/wl_trace_test_" + std::to_string(::getpid());
    const std::string y = stem + ".yaml", c = stem + ".csv", x = stem + ".txt";
    const Trace t = zoo_trace("zoo:deit-tiny");
    std::ofstream(y) << to_yaml(t);
    std::ofstream(c) << to_csv(t);
    std::ofstream(x) << "x";
    EXPECT_EQ(to_yaml(load_trace(y)), to_yaml(t));
    EXPECT_EQ(to_yaml(load_trace(c)), to_yaml(t));
    EXPECT_EQ(load_trace(y).source, y);
    EXPECT_EQ(to_yaml(resolve_workload(y)), to_yaml(t));
    EXPECT_EQ(resolve_workload("zoo:deit-tiny").source, "zoo:deit-tiny");
    EXPECT_EQ(to_yaml(resolve_workload("zoo:deit-tiny")), to_yaml(t));
    EXPECT_HAS(error_of([&] { load_trace(x); }),
               "trace '" + x + "': unknown extension '.txt'; allowed: .yaml, .yml, .csv");
    EXPECT_HAS(error_of([&] { load_trace(dir + "/does_not_exist.yaml"); }), "cannot be read");
    std::remove(y.c_str());
    std::remove(c.c_str());
    std::remove(x.c_str());
}

}  // namespace
}  // namespace qasim::workloads

// configs/workloads/*.yaml are generator output, committed as files; they must stay equal to it.
// Regenerate with: qasim trace 'zoo:vit-b16?quant=W8A8' --out configs/workloads/vit_b16_w8a8.yaml
//                  qasim trace 'zoo:llama2-7b:decode?context=1024&quant=W4A16KV2'
//                        --out configs/workloads/llama2_7b_decode_w4a16kv2.yaml
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

std::string read_config(const std::string& name) {
    std::ifstream in(std::string(QASIM_SOURCE_DIR) + "/configs/workloads/" + name);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

TEST(WorkloadConfigs, VitB16W8A8) {
    const std::string text = read_config("vit_b16_w8a8.yaml");
    const Trace t = zoo_trace("zoo:vit-b16?quant=W8A8");
    EXPECT_EQ(text, to_yaml(t));
    const Trace f = parse_trace_yaml(text, "vit_b16_w8a8.yaml");
    EXPECT_EQ(f.total_macs(), 17563828224ull);
    EXPECT_EQ(f.batch, 1u);
    for (const char* op :
         {"patch_embed", "L.ln1", "L.qkv", "L.qk", "L.softmax", "L.pv", "L.proj", "L.attn_add",
          "L.ln2", "L.fc1", "L.gelu", "L.fc2", "L.mlp_add", "final_norm", "head"})
        EXPECT_NE(find_op(f, op), nullptr) << op;
}

TEST(WorkloadConfigs, Llama2_7bDecodeW4A16KV2) {
    const std::string text = read_config("llama2_7b_decode_w4a16kv2.yaml");
    EXPECT_EQ(text, to_yaml(zoo_trace("zoo:llama2-7b:decode?context=1024&quant=W4A16KV2")));
    const Trace f = load_trace(std::string(QASIM_SOURCE_DIR) +
                               "/configs/workloads/llama2_7b_decode_w4a16kv2.yaml");
    EXPECT_EQ(block_weight_payload(f), 3238002688ull);
    EXPECT_EQ(kv_read_payload(f), 67108864ull);
    EXPECT_EQ(matmul_flops(f), 13751025664ull);
}

}  // namespace
}  // namespace qasim::workloads

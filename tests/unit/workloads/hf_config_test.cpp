// HF config.json import: the shipped zoo configs, byte-identical traces, GQA/MQA traps, errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <sstream>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

std::string zoo_path(const std::string& name) {
    return std::string(QASIM_SOURCE_DIR) + "/workloads/zoo/" + name + ".json";
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

/// Replaces the line holding `"key":` in a pretty-printed JSON (or drops it when `line` is empty).
std::string edit_key(const std::string& json, const std::string& key, const std::string& line) {
    std::istringstream in(json);
    std::string l, out;
    while (std::getline(in, l)) {
        if (l.find("\"" + key + "\":") != std::string::npos) {
            if (!line.empty()) out += line + "\n";
            continue;
        }
        out += l + "\n";
    }
    return out;
}

TEST(HfConfig, EveryZooModelIsShippedAndEmbedded) {
    EXPECT_EQ(zoo_model_names().size(), 16u);
    for (const auto& name : zoo_model_names()) {
        const std::string disk = read(zoo_path(name));
        ASSERT_FALSE(disk.empty()) << name;
        EXPECT_EQ(zoo_config_text(name), disk) << name;  // embedded copy is the file
        const ModelConfig m = zoo_model(name);
        EXPECT_EQ(m.name, name);
        EXPECT_GT(m.d, 0u);
        EXPECT_EQ(m.heads % m.kv_heads, 0u) << name;
    }
}

TEST(HfConfig, ImportGivesByteIdenticalTraces) {
    for (const auto& name : zoo_model_names()) {
        const ModelConfig from_file = load_hf_config(zoo_path(name));
        EXPECT_EQ(from_file.name, name);
        std::vector<std::string> specs;
        if (from_file.is_vit()) {
            specs = {"", "?quant=W8A8&batch=4", "?quant=W4A4&image=448"};
        } else {
            specs = {"", ":decode?quant=W4A16KV2&context=1024&kv_residual=128",
                     ":prefill?seq=128&causal=exact&batch=2", ":decode?quant=W3&batch=8"};
        }
        for (const auto& s : specs) {
            const ZooSpec z = parse_zoo_spec("zoo:" + name + s);
            const Trace a = zoo_trace("zoo:" + name + s);
            const Trace b = generate_trace(from_file, z.options, zoo_path(name));
            EXPECT_EQ(to_yaml(a), to_yaml(b)) << name << s;
            EXPECT_EQ(to_csv(a), to_csv(b)) << name << s;
        }
    }
}

TEST(HfConfig, HyperParameters) {
    const ModelConfig l2 = zoo_model("llama2-70b");
    EXPECT_EQ(l2.kv_heads, 8u);
    EXPECT_EQ(l2.head_dim, 128u);
    EXPECT_EQ(l2.max_context, 4096u);
    const ModelConfig m = zoo_model("mistral-7b");
    EXPECT_EQ(m.sliding_window, 4096u);
    EXPECT_EQ(m.max_context, 32768u);
    const ModelConfig f = zoo_model("falcon-7b");
    EXPECT_EQ(f.kv_heads, 1u);  // multi_query, although num_kv_heads says 71
    EXPECT_EQ(f.head_dim, 64u);
    EXPECT_EQ(f.ffn, 18176u);
    EXPECT_EQ(f.max_context, 2048u);
    EXPECT_TRUE(f.parallel_attn);
    const ModelConfig o = zoo_model("opt-13b");
    EXPECT_EQ(o.d, 5120u);
    EXPECT_EQ(o.arch, Arch::opt);
    const ModelConfig b = zoo_model("bitnet-2b4t");
    EXPECT_TRUE(b.sub_norms);
    EXPECT_EQ(b.mlp_act, "relu2");
    EXPECT_EQ(b.kv_heads, 5u);
    const ModelConfig h = zoo_model("vit-h14");
    EXPECT_EQ(h.head_dim, 80u);
    EXPECT_EQ(h.vit_tokens(224), 257u);
    EXPECT_EQ(zoo_model("deit-tiny").classes, 1000u);
    const std::string list = describe_zoo();
    for (const auto& name : zoo_model_names()) EXPECT_HAS(list, name);
    EXPECT_HAS(list, "sliding window 4096");
    EXPECT_HAS(list, "MQA");
}

TEST(HfConfig, FalconKvHeadVariants) {
    const std::string base = zoo_config_text("falcon-7b");
    // multi_query false, old architecture: MHA.
    ModelConfig m =
        parse_hf_config(edit_key(base, "multi_query", "  \"multi_query\": false,"), "f.json", "f");
    EXPECT_EQ(m.kv_heads, 71u);
    // new_decoder_architecture: num_kv_heads is used, two LayerNorms in parallel.
    std::string j =
        edit_key(base, "new_decoder_architecture", "  \"new_decoder_architecture\": true,");
    j = edit_key(j, "num_attention_heads", "  \"num_attention_heads\": 64,");
    j = edit_key(j, "num_kv_heads", "  \"num_kv_heads\": 8,");
    j = edit_key(j, "hidden_size", "  \"hidden_size\": 8192,");
    m = parse_hf_config(j, "f.json", "f");
    EXPECT_EQ(m.kv_heads, 8u);
    EXPECT_EQ(m.parallel_norms, 2u);
    const Trace t = generate_trace(m, {}, "f");
    EXPECT_NE(find_op(t, "L.attn_norm"), nullptr);
    EXPECT_NE(find_op(t, "L.mlp_norm"), nullptr);
    // Old RefinedWeb key names.
    std::string r = edit_key(base, "model_type", "  \"model_type\": \"RefinedWebModel\",");
    r = edit_key(r, "num_attention_heads", "  \"n_head\": 71,");
    r = edit_key(r, "num_hidden_layers", "  \"n_layer\": 32,");
    m = parse_hf_config(r, "rw.json", "rw");
    EXPECT_EQ(m.heads, 71u);
    EXPECT_EQ(m.layers, 32u);
    EXPECT_EQ(m.kv_heads, 1u);
}

TEST(HfConfig, ConfigJsonNaming) {
    const std::string dir = ::testing::TempDir();
    const std::string sub = dir + "/wl_hf_" + std::to_string(::getpid());
    std::filesystem::create_directories(sub);
    const std::string p = sub + "/config.json";
    std::ofstream(p) << zoo_config_text("llama2-7b");
    EXPECT_EQ(load_hf_config(p).name, "llama-2-7b-hf");  // from _name_or_path
    std::ofstream(p) << edit_key(zoo_config_text("llama2-7b"), "_name_or_path", "");
    EXPECT_EQ(load_hf_config(p).name, "hf-model");
    std::filesystem::remove_all(sub);
    // ViT configs with id2label instead of num_labels.
    const std::string v = edit_key(zoo_config_text("vit-b16"), "num_labels",
                                   "  \"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"},");
    EXPECT_EQ(parse_hf_config(v, "v.json", "v").classes, 3u);
}

TEST(HfConfig, Errors) {
    auto err = [](const std::string& text) {
        return error_of([&] { parse_hf_config(text, "c.json", "c"); });
    };
    const std::string llama = zoo_config_text("llama2-7b");
    EXPECT_HAS(err(edit_key(llama, "hidden_size", "")),
               "c.json: hidden_size: missing (required in llama-style configs: hidden_size)");
    // All missing keys at once.
    const std::string e2 =
        err(edit_key(edit_key(llama, "vocab_size", ""), "num_hidden_layers", ""));
    EXPECT_HAS(e2, "num_hidden_layers: missing");
    EXPECT_HAS(e2, "vocab_size: missing");
    EXPECT_HAS(err(edit_key(zoo_config_text("opt-13b"), "ffn_dim", "")),
               "ffn_dim: missing (required in opt-style");
    EXPECT_HAS(err(edit_key(zoo_config_text("falcon-7b"), "num_attention_heads", "")),
               "num_attention_heads: missing (required in falcon-style configs: "
               "num_attention_heads or n_head)");
    EXPECT_HAS(err(edit_key(zoo_config_text("vit-b16"), "patch_size", "")), "patch_size: missing");
    EXPECT_HAS(err(edit_key(zoo_config_text("vit-b16"), "num_labels", "")),
               "num_labels: missing (required in vit configs: num_labels or id2label)");
    EXPECT_HAS(err(edit_key(llama, "model_type", "")), "c.json: model_type: missing");
    EXPECT_HAS(err(edit_key(llama, "model_type", "  \"model_type\": \"gpt2\",")),
               "model_type: unsupported 'gpt2'; allowed: llama, mistral, bitnet, opt, falcon");
    EXPECT_HAS(err(edit_key(llama, "hidden_size", "  \"hidden_size\": \"big\",")),
               "hidden_size: must be an integer >= 1, got 'big'");
    EXPECT_HAS(err(edit_key(llama, "num_key_value_heads", "  \"num_key_value_heads\": 5,")),
               "num_key_value_heads: must divide num_attention_heads (32), got 5");
    EXPECT_HAS(err(edit_key(llama, "hidden_act", "  \"hidden_act\": \"gelu\",")),
               "hidden_act: unsupported 'gelu'");
    EXPECT_HAS(err(edit_key(zoo_config_text("opt-6.7b"), "word_embed_proj_dim",
                            "  \"word_embed_proj_dim\": 512,")),
               "word_embed_proj_dim: must equal hidden_size (4096)");
    EXPECT_HAS(err("{\"model_type\": \"llama\", "), "c.json:");
    EXPECT_HAS(err("[1, 2]"), "c.json: a HF config.json must be a JSON object");
    EXPECT_HAS(error_of([] { load_hf_config("/nonexistent/config.json"); }),
               "HF config '/nonexistent/config.json': cannot be read");
}

}  // namespace
}  // namespace qasim::workloads

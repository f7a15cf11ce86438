#pragma once
// Model hyper-parameters read from Hugging Face `config.json` files (LLaMA-, Mistral-, BitNet-,
// OPT-, Falcon- and ViT-style). The zoo's configs ship as workloads/zoo/<model>.json, are embedded
// in the binary by cmake and go through the same reader as `qasim trace --hf-config FILE`.
#include <cstdint>
#include <string>
#include <vector>

namespace qasim::workloads {

/// Block structure family: decides the op list of a layer (reference/workloads.md §2).
enum class Arch : uint8_t {
    vit,     ///< pre-LN encoder, fused qkv, GELU MLP, CLS head (ViT, DeiT)
    llama,   ///< pre-RMSNorm decoder, RoPE, GQA, gated MLP (LLaMA, Mistral, BitNet)
    opt,     ///< pre-LayerNorm decoder, learned positions, ReLU MLP, biases
    falcon,  ///< LayerNorm, fused QKV, MQA, RoPE, parallel attention + MLP
};

const char* to_string(Arch a);

/// Hyper-parameters of one model. Symbols as in reference/workloads.md.
struct ModelConfig {
    std::string name;        ///< zoo name or config file stem (e.g. llama2-7b)
    std::string model_type;  ///< HF model_type (vit, llama, mistral, bitnet, opt, falcon)
    Arch arch = Arch::llama;
    uint64_t d = 0;               ///< hidden size
    uint64_t heads = 0;           ///< H, query heads
    uint64_t kv_heads = 0;        ///< Hkv (GQA/MQA; = H for MHA)
    uint64_t head_dim = 0;        ///< dh
    uint64_t ffn = 0;             ///< F, MLP intermediate size
    uint64_t layers = 0;          ///< nl
    uint64_t vocab = 0;           ///< V (LLMs)
    uint64_t max_context = 0;     ///< max_position_embeddings (LLMs), tokens
    uint64_t sliding_window = 0;  ///< keys attended per query at most (Mistral), 0 = unlimited
    bool rmsnorm = false;         ///< RMSNorm (else LayerNorm)
    bool gated_mlp = false;       ///< gate_proj + up_proj (SwiGLU / ReLU² GLU)
    std::string mlp_act;          ///< silu | relu2 | relu | gelu
    bool rope = false;            ///< rotary position embedding on q and k
    bool learned_pos = false;     ///< learned absolute positions added after the embedding (OPT)
    bool fused_qkv = false;       ///< one QKV projection (Falcon, ViT)
    bool parallel_attn = false;   ///< attention and MLP read the same input (Falcon)
    uint64_t parallel_norms = 1;  ///< Falcon new_decoder_architecture: 2 (ln_attn, ln_mlp)
    bool sub_norms =
        false;  ///< BitNet subln: RMSNorm before o_proj (over d) and down_proj (over F)
    bool tied_embeddings = false;  ///< lm_head shares the embedding matrix (still read in decode)
    uint64_t image = 0;            ///< ViT input image side, pixels
    uint64_t patch = 0;            ///< ViT patch side, pixels
    uint64_t channels = 0;         ///< ViT input channels
    uint64_t classes = 0;          ///< ViT classifier outputs
    std::string default_quant;     ///< quant spec used when none is given ("" = all fp16)
    std::string source;            ///< where the config came from (file or zoo entry)

    bool is_vit() const { return arch == Arch::vit; }
    /// ViT tokens incl. CLS for an image side: (image/patch)² + 1.
    uint64_t vit_tokens(uint64_t image_px) const;
};

/// Parses HF config.json text (JSON, read with yaml-cpp). `file` is used in messages. Throws
/// sim::ConfigError naming file and key for missing or bad keys. Keys the reader does not use are
/// ignored (HF configs carry many).
ModelConfig parse_hf_config(const std::string& text, const std::string& file,
                            const std::string& name);
/// Reads a config.json. The model name is the file stem, or for a file named config.json the last
/// component of `_name_or_path` (else "hf-model").
ModelConfig load_hf_config(const std::string& path);

/// Zoo model names in list order.
const std::vector<std::string>& zoo_model_names();
/// A zoo model (from the embedded workloads/zoo/<name>.json). Unknown name → ConfigError listing
/// the models.
ModelConfig zoo_model(const std::string& name);
/// The embedded text of workloads/zoo/<name>.json (for tests and byte-identity checks).
const std::string& zoo_config_text(const std::string& name);
/// `qasim trace --list`: one line per zoo model with its hyper-parameters.
std::string describe_zoo();

}  // namespace qasim::workloads

#include "workloads/model_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/errors.h"
#include "workloads/text_util.h"

namespace qasim::sim {
/// Files embedded at build time (cmake/embed.cmake), keyed by path relative to the repo root.
const std::map<std::string, std::string>& embedded_files();
}  // namespace qasim::sim

namespace qasim::workloads {
namespace {

/// Reads keys of one config with errors collected per key.
class Reader {
public:
    Reader(const YAML::Node& root, sim::Errors& errs, std::string style)
        : m_root(root), m_errs(errs), m_style(std::move(style)) {}

    bool has(const std::string& key) const {
        const YAML::Node n = m_root[key];
        return n.IsDefined() && !n.IsNull();
    }
    /// Required positive integer; `alts` are accepted alias keys (e.g. n_head for Falcon).
    uint64_t req(const std::string& key, const std::vector<std::string>& alts = {}) {
        if (has(key)) return get_u64(key);
        for (const auto& k : alts)
            if (has(k)) return get_u64(k);
        std::string names = key;
        for (const auto& a : alts) names += " or " + a;
        m_errs.add(key, "missing (required in " + m_style + " configs: " + names + ")");
        return 0;
    }
    uint64_t opt(const std::string& key, uint64_t def) { return has(key) ? get_u64(key) : def; }
    bool opt_bool(const std::string& key, bool def) {
        if (!has(key)) return def;
        const YAML::Node n = m_root[key];
        const std::string s = n.IsScalar() ? lower(n.Scalar()) : "";
        if (s == "true") return true;
        if (s == "false") return false;
        m_errs.add(key, "must be true or false, got " +
                            quoted(n.IsScalar() ? n.Scalar() : "a list or map"));
        return def;
    }
    std::string opt_text(const std::string& key, const std::string& def) {
        if (!has(key)) return def;
        const YAML::Node n = m_root[key];
        if (!n.IsScalar()) {
            m_errs.add(key, "must be a string");
            return def;
        }
        return n.Scalar();
    }
    void error(const std::string& key, const std::string& msg) { m_errs.add(key, msg); }

private:
    uint64_t get_u64(const std::string& key) {
        const YAML::Node n = m_root[key];
        uint64_t v = 0;
        if (!n.IsScalar() || !parse_u64_strict(n.Scalar(), &v) || v == 0) {
            m_errs.add(key, "must be an integer >= 1, got " +
                                quoted(n.IsScalar() ? n.Scalar() : "a list or map"));
            return 0;
        }
        return v;
    }

    YAML::Node m_root;
    sim::Errors& m_errs;
    std::string m_style;
};

void check_heads(Reader& r, ModelConfig& m) {
    if (m.heads && m.kv_heads && m.heads % m.kv_heads != 0)
        r.error("num_key_value_heads", "must divide num_attention_heads (" +
                                           std::to_string(m.heads) + "), got " +
                                           std::to_string(m.kv_heads));
    if (m.heads && m.d && m.head_dim == 0) {
        if (m.d % m.heads != 0)
            r.error("hidden_size", "must be a multiple of num_attention_heads (" +
                                       std::to_string(m.heads) +
                                       ") when head_dim is not given, got " + std::to_string(m.d));
        else m.head_dim = m.d / m.heads;
    }
}

void read_llama(Reader& r, ModelConfig& m) {
    m.arch = Arch::llama;
    m.d = r.req("hidden_size");
    m.ffn = r.req("intermediate_size");
    m.heads = r.req("num_attention_heads");
    m.layers = r.req("num_hidden_layers");
    m.vocab = r.req("vocab_size");
    m.max_context = r.req("max_position_embeddings");
    m.kv_heads = r.opt("num_key_value_heads", m.heads);  // HF LlamaConfig: None ⇒ = heads (MHA)
    m.head_dim = r.opt("head_dim", 0);
    m.rmsnorm = true;
    m.gated_mlp = true;
    m.rope = true;
    m.tied_embeddings = r.opt_bool("tie_word_embeddings", false);
    const std::string act = r.opt_text("hidden_act", m.model_type == "bitnet" ? "relu2" : "silu");
    if (act == "silu" || act == "swish") m.mlp_act = "silu";
    else if (act == "relu2") m.mlp_act = "relu2";
    else
        r.error("hidden_act",
                "unsupported " + quoted(act) + "; allowed: silu (SwiGLU), relu2 (ReLU² GLU)");
    if (m.model_type == "mistral" || r.has("sliding_window"))
        m.sliding_window = r.opt("sliding_window", 0);
    if (m.model_type == "bitnet") {
        // BitNet b1.58 2B4T: subln (attn_sub_norm before o_proj, ffn_sub_norm before down_proj) and
        // ternary BitLinear weights with int8 per-token activations (reference/workloads.md
        // §1b, §3).
        m.sub_norms = true;
        m.default_quant = "W1.58A8KV16,scores=fp16";
    }
    check_heads(r, m);
}

void read_opt(Reader& r, ModelConfig& m) {
    m.arch = Arch::opt;
    m.d = r.req("hidden_size");
    m.ffn = r.req("ffn_dim");
    m.heads = r.req("num_attention_heads");
    m.layers = r.req("num_hidden_layers");
    m.vocab = r.req("vocab_size");
    m.max_context = r.req("max_position_embeddings");
    m.kv_heads = m.heads;
    m.learned_pos = true;
    m.tied_embeddings = true;  // OPTForCausalLM ties lm_head to embed_tokens
    const std::string act = r.opt_text("activation_function", "relu");
    if (act == "relu" || act == "gelu") m.mlp_act = act;
    else r.error("activation_function", "unsupported " + quoted(act) + "; allowed: relu, gelu");
    if (r.has("word_embed_proj_dim") && r.opt("word_embed_proj_dim", 0) != m.d)
        r.error("word_embed_proj_dim", "must equal hidden_size (" + std::to_string(m.d) +
                                           "): project_in/project_out (OPT-350m) are not modelled");
    check_heads(r, m);
}

void read_falcon(Reader& r, ModelConfig& m) {
    m.arch = Arch::falcon;
    m.d = r.req("hidden_size");
    m.heads = r.req("num_attention_heads", {"n_head"});
    m.layers = r.req("num_hidden_layers", {"n_layer"});
    m.vocab = r.req("vocab_size");
    // HF FalconConfig defaults (transformers configuration_falcon.py):
    // max_position_embeddings 2048, ffn_hidden_size 4*hidden, multi_query true, parallel_attn
    // true, new_decoder_architecture false,
    // alibi false. reference/workloads.md §1b marks ctx 2048 UNVERIFIED against the model card.
    m.max_context = r.opt("max_position_embeddings", 2048);
    m.ffn = r.opt("ffn_hidden_size", 4 * m.d);
    const bool new_arch = r.opt_bool("new_decoder_architecture", false);
    const bool mq = r.opt_bool("multi_query", true);
    // FalconAttention: new_decoder_architecture ⇒ num_kv_heads; else multi_query ⇒ 1 KV head; else
    // MHA. A naive reader of falcon-7b's `num_kv_heads: 71` would get 71 (reference §1b trap).
    if (new_arch) m.kv_heads = r.opt("num_kv_heads", m.heads);
    else m.kv_heads = mq ? 1 : m.heads;
    m.parallel_attn = new_arch || r.opt_bool("parallel_attn", true);
    m.parallel_norms = new_arch ? 2 : 1;
    m.rope = !r.opt_bool("alibi", false);
    m.fused_qkv = true;
    m.mlp_act = "gelu";
    m.tied_embeddings = r.opt_bool("tie_word_embeddings", true);
    check_heads(r, m);
}

void read_vit(Reader& r, const YAML::Node& root, ModelConfig& m) {
    m.arch = Arch::vit;
    m.d = r.req("hidden_size");
    m.layers = r.req("num_hidden_layers");
    m.heads = r.req("num_attention_heads");
    m.ffn = r.req("intermediate_size");
    m.image = r.req("image_size");
    m.patch = r.req("patch_size");
    m.channels = r.opt("num_channels", 3);
    m.kv_heads = m.heads;
    m.fused_qkv = true;
    m.mlp_act = "gelu";
    if (r.has("num_labels")) {
        m.classes = r.opt("num_labels", 0);
    } else if (const YAML::Node labels = root["id2label"]; labels.IsDefined() && labels.IsMap()) {
        m.classes = labels.size();
    } else {
        r.error("num_labels", "missing (required in vit configs: num_labels or id2label)");
    }
    if (m.image && m.patch && m.image % m.patch != 0)
        r.error("image_size", "must be a multiple of patch_size (" + std::to_string(m.patch) +
                                  "), got " + std::to_string(m.image));
    check_heads(r, m);
}

std::string file_stem(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    const size_t dot = base.find_last_of('.');
    return dot == std::string::npos ? base : base.substr(0, dot);
}

const std::map<std::string, std::string>& zoo_texts() {
    static const std::map<std::string, std::string> texts = [] {
        std::map<std::string, std::string> m;
        for (const auto& [path, content] : sim::embedded_files()) {
            const std::string prefix = "workloads/zoo/";
            if (path.rfind(prefix, 0) == 0 && path.size() > 5 &&
                path.compare(path.size() - 5, 5, ".json") == 0)
                m[path.substr(prefix.size(), path.size() - prefix.size() - 5)] = content;
        }
        return m;
    }();
    return texts;
}

}  // namespace

const char* to_string(Arch a) {
    switch (a) {
    case Arch::vit: return "vit";
    case Arch::llama: return "llama";
    case Arch::opt: return "opt";
    case Arch::falcon: return "falcon";
    }
    return "?";
}

uint64_t ModelConfig::vit_tokens(uint64_t image_px) const {
    const uint64_t side = patch ? image_px / patch : 0;
    return side * side + 1;
}

ModelConfig parse_hf_config(const std::string& text, const std::string& file,
                            const std::string& name) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw sim::ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ": not valid JSON: " + e.msg);
    }
    if (!root.IsMap()) throw sim::ConfigError(file + ": a HF config.json must be a JSON object");
    sim::Errors errs(file);
    ModelConfig m;
    m.name = name;
    m.source = file;
    const YAML::Node mt = root["model_type"];
    if (!mt.IsDefined() || !mt.IsScalar()) {
        errs.add("model_type",
                 "missing (required: one of llama, mistral, bitnet, opt, falcon, vit, deit)");
        errs.throw_if_any();
    }
    m.model_type = lower(mt.Scalar());
    if (m.model_type == "llama" || m.model_type == "mistral" || m.model_type == "bitnet") {
        Reader r(root, errs, m.model_type + "-style");
        read_llama(r, m);
    } else if (m.model_type == "opt") {
        Reader r(root, errs, "opt-style");
        read_opt(r, m);
    } else if (m.model_type == "falcon" || m.model_type == "refinedweb" ||
               m.model_type == "refinedwebmodel") {
        m.model_type = "falcon";
        Reader r(root, errs, "falcon-style");
        read_falcon(r, m);
    } else if (m.model_type == "vit" || m.model_type == "deit") {
        Reader r(root, errs, "vit-style");
        read_vit(r, root, m);
    } else {
        errs.add("model_type",
                 "unsupported " + quoted(mt.Scalar()) +
                     "; allowed: llama, mistral, bitnet, opt, falcon (RefinedWeb), vit, deit");
    }
    errs.throw_if_any();
    return m;
}

ModelConfig load_hf_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw sim::ConfigError("HF config '" + path + "': cannot be read (" + std::strerror(errno) +
                               ")");
    std::ostringstream os;
    os << in.rdbuf();
    const std::string text = os.str();
    std::string name = file_stem(path);
    if (name == "config") {
        name = "hf-model";
        try {
            const YAML::Node n = YAML::Load(text)["_name_or_path"];
            if (n.IsDefined() && n.IsScalar() && !n.Scalar().empty())
                name = lower(file_stem(n.Scalar() + ".x"));
        } catch (const YAML::Exception&) {
            // parse_hf_config below reports the syntax error with its position.
        }
    }
    return parse_hf_config(text, path, name);
}

const std::vector<std::string>& zoo_model_names() {
    static const std::vector<std::string> names = {
        "deit-tiny", "deit-small", "deit-base",  "vit-b16",    "vit-l16",    "vit-h14",
        "llama2-7b", "llama2-13b", "llama2-70b", "llama3-8b",  "llama3-70b", "mistral-7b",
        "opt-6.7b",  "opt-13b",    "falcon-7b",  "bitnet-2b4t"};
    return names;
}

const std::string& zoo_config_text(const std::string& name) {
    const auto& texts = zoo_texts();
    auto it = texts.find(name);
    if (it == texts.end()) {
        std::vector<std::string> avail;
        for (const auto& n : zoo_model_names())
            if (texts.count(n)) avail.push_back(n);
        throw sim::ConfigError("unknown zoo model " + quoted(name) +
                               "; allowed: " + join(avail, ", "));
    }
    return it->second;
}

ModelConfig zoo_model(const std::string& name) {
    return parse_hf_config(zoo_config_text(name), "workloads/zoo/" + name + ".json", name);
}

std::string describe_zoo() {
    std::ostringstream os;
    os << std::left << std::setw(12) << "model" << std::setw(8) << "arch" << std::right
       << std::setw(6) << "d" << std::setw(5) << "H" << std::setw(5) << "Hkv" << std::setw(5)
       << "dh" << std::setw(7) << "F" << std::setw(7) << "layers" << std::setw(8) << "vocab"
       << std::setw(8) << "max_ctx"
       << "  notes\n";
    for (const auto& name : zoo_model_names()) {
        const ModelConfig m = zoo_model(name);
        std::vector<std::string> notes;
        if (m.is_vit()) {
            notes.push_back("image " + std::to_string(m.image) + ", patch " +
                            std::to_string(m.patch) + ", " + std::to_string(m.vit_tokens(m.image)) +
                            " tokens, " + std::to_string(m.classes) + " classes, GELU, LayerNorm");
        } else {
            notes.push_back(m.rmsnorm ? "RMSNorm" : "LayerNorm");
            if (m.gated_mlp) notes.push_back(m.mlp_act == "silu" ? "SwiGLU" : "ReLU^2 GLU");
            else notes.push_back(m.mlp_act == "relu" ? "ReLU MLP" : "GELU MLP");
            notes.push_back(m.rope ? "RoPE" : m.learned_pos ? "learned positions" : "no positions");
            if (m.kv_heads == 1) notes.push_back("MQA");
            else if (m.kv_heads != m.heads)
                notes.push_back("GQA g=" + std::to_string(m.heads / m.kv_heads));
            if (m.parallel_attn) notes.push_back("parallel attn+MLP");
            if (m.sliding_window)
                notes.push_back("sliding window " + std::to_string(m.sliding_window));
            if (m.sub_norms) notes.push_back("sub-norms");
            if (m.tied_embeddings) notes.push_back("tied lm_head");
            if (!m.default_quant.empty()) notes.push_back("default quant " + m.default_quant);
        }
        os << std::left << std::setw(12) << name << std::setw(8) << to_string(m.arch) << std::right
           << std::setw(6) << m.d << std::setw(5) << m.heads << std::setw(5) << m.kv_heads
           << std::setw(5) << m.head_dim << std::setw(7) << m.ffn << std::setw(7) << m.layers
           << std::setw(8) << (m.vocab ? std::to_string(m.vocab) : "-") << std::setw(8)
           << (m.max_context ? std::to_string(m.max_context) : "-") << "  " << join(notes, ", ")
           << "\n";
    }
    return os.str();
}

}  // namespace qasim::workloads

#include "workloads/generator.h"

#include <algorithm>
#include <map>
#include <utility>

#include "workloads/text_util.h"

namespace qasim::workloads {

using models::BSrc;
using models::Format;
using models::Op;
using models::OpKind;

namespace {

const std::vector<std::string> kOptionKeys = {"phase",       "batch",  "seq",    "context", "quant",
                                              "kv_residual", "causal", "logits", "image"};

/// One rectangle of a causal score matrix: `q` queries each attending the same `k` keys, `count`
/// such rectangles per head.
struct Block {
    uint64_t q, k, count;
};

/// Exact causal attention as rectangles: triangle(n) = triangle(a) + rect(b queries × a keys) +
/// triangle(b) with a = ceil(n/2), b = floor(n/2), down to 1×1 diagonal blocks. The areas sum to
/// n(n+1)/2 exactly; equal shapes are merged, so there are about 2·log2(n) rows.
std::vector<Block> causal_blocks(uint64_t n) {
    std::map<uint64_t, uint64_t> tri;                        // size -> count of pending triangles
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> rect;  // (q, k) -> count
    if (n) tri[n] = 1;
    while (!tri.empty()) {
        auto it = std::prev(tri.end());
        const uint64_t size = it->first, cnt = it->second;
        tri.erase(it);
        if (size == 1) {
            rect[{1, 1}] += cnt;
            continue;
        }
        const uint64_t a = size - size / 2, b = size / 2;
        rect[{b, a}] += cnt;
        tri[a] += cnt;
        tri[b] += cnt;
    }
    std::vector<Block> out;
    for (auto it = rect.rbegin(); it != rect.rend(); ++it)
        out.push_back({it->first.first, it->first.second, it->second});
    std::stable_sort(out.begin(), out.end(),
                     [](const Block& x, const Block& y) { return x.k > y.k; });
    return out;
}

class Builder {
public:
    explicit Builder(Trace* t) : m_t(t), m_roles(resolve_roles(t->quant)) {}

    Op& mm(const std::string& name, OpKind kind, uint64_t M, uint64_t K, uint64_t N, uint64_t batch,
           BSrc src, uint64_t repeat) {
        Op op = base(name, kind, repeat);
        op.m = M;
        op.k = K;
        op.n = N;
        op.batch = batch;
        op.b_src = src;
        op.b = default_b_format(kind, src, m_roles);
        m_t->ops.push_back(op);
        return m_t->ops.back();
    }
    Op& el(const std::string& name, OpKind kind, uint64_t elems, uint64_t repeat) {
        Op op = base(name, kind, repeat);
        op.elems = elems;
        m_t->ops.push_back(op);
        return m_t->ops.back();
    }
    const RoleFormats& roles() const { return m_roles; }

private:
    Op base(const std::string& name, OpKind kind, uint64_t repeat) const {
        Op op;
        op.name = name;
        op.kind = kind;
        op.repeat = repeat;
        op.b_src = default_b_src(kind);
        op.a = default_a_format(kind, m_roles);
        op.b = default_b_format(kind, op.b_src, m_roles);
        op.out = default_out_format(kind, m_roles);
        return op;
    }

    Trace* m_t;
    RoleFormats m_roles;
};

/// Resolved, validated generation parameters.
struct Params {
    bool prefill = true;
    uint64_t batch = 1;
    uint64_t seq = 0;       ///< prefill: S
    uint64_t context = 0;   ///< decode: L (before the sliding-window cap)
    uint64_t residual = 0;  ///< KIVI R
    bool exact = false;
    bool all_logits = false;
    uint64_t image = 0;
};

void gen_vit(const ModelConfig& m, const Params& p, Builder& b) {
    const uint64_t B = p.batch, side = p.image / m.patch, P = side * side, N = P + 1;
    const uint64_t d = m.d, H = m.heads, dh = m.head_dim, F = m.ffn, nl = m.layers;
    const uint64_t BN = B * N;
    // Patch embedding: a stride-p convolution = GEMM (B·P, C·p², d) (reference §1a notes).
    b.mm("patch_embed", OpKind::gemm, B * P, m.channels * m.patch * m.patch, d, 1, BSrc::weight, 1);
    // The CLS token is prepended (a copy, no arithmetic); the position embedding is added to all N.
    b.el("cls_pos_add", OpKind::add, BN * d, 1);
    b.el("L.ln1", OpKind::layernorm, BN * d, nl);
    b.mm("L.qkv", OpKind::gemm, BN, d, 3 * H * dh, 1, BSrc::weight, nl);
    b.mm("L.qk", OpKind::attention_qk, N, dh, N, B * H, BSrc::act, nl);
    b.el("L.softmax", OpKind::softmax, B * H * N * N, nl);
    b.mm("L.pv", OpKind::attention_pv, N, N, dh, B * H, BSrc::act, nl);
    b.mm("L.proj", OpKind::gemm, BN, H * dh, d, 1, BSrc::weight, nl);
    b.el("L.attn_add", OpKind::add, BN * d, nl);
    b.el("L.ln2", OpKind::layernorm, BN * d, nl);
    b.mm("L.fc1", OpKind::gemm, BN, d, F, 1, BSrc::weight, nl);
    b.el("L.gelu", OpKind::gelu, BN * F, nl);
    b.mm("L.fc2", OpKind::gemm, BN, F, d, 1, BSrc::weight, nl);
    b.el("L.mlp_add", OpKind::add, BN * d, nl);
    b.el("final_norm", OpKind::layernorm, BN * d, 1);
    // Classifier on the CLS token only (timm / HF ViTForImageClassification).
    b.mm("head", OpKind::gemm, B, d, m.classes, 1, BSrc::weight, 1);
}

void gen_kv_writes(const ModelConfig& m, const QuantScheme& q, const Params& p, Builder& b) {
    const uint64_t B = p.batch, kvw = m.kv_heads * m.head_dim, nl = m.layers, R = p.residual;
    const Format fp16 = models::parse_format("fp16");
    if (p.prefill) {
        // A sliding-window cache (Mistral) keeps only the newest `window` tokens.
        const uint64_t S = m.sliding_window ? std::min(p.seq, m.sliding_window) : p.seq;
        if (R == 0) {
            b.el("L.kv_write", OpKind::kv_write, B * S * 2 * kvw, nl);
            return;
        }
        // KIVI prefill (llama_kivi.py): keys quantized in whole chunks of R (S mod R stay FP16),
        // values all but the last R tokens quantized.
        const uint64_t kq = S - S % R, vq = S - std::min(S, R);
        if (kq + vq) b.el("L.kv_write", OpKind::kv_write, B * kvw * (kq + vq), nl);
        if (2 * S - kq - vq)
            b.el("L.kv_write_res", OpKind::kv_write, B * kvw * (2 * S - kq - vq), nl).out = fp16;
        return;
    }
    if (R == 0) {
        b.el("L.kv_write", OpKind::kv_write, B * 2 * kvw, nl);
        return;
    }
    const uint64_t L = m.sliding_window ? std::min(p.context, m.sliding_window) : p.context;
    b.el("L.kv_write", OpKind::kv_write, B * 2 * kvw, nl).out = fp16;
    if (L > R) {
        Op& v = b.el("L.v_quant", OpKind::quant, B * kvw, nl);
        v.a = fp16;
        v.out = q.kv;
    }
    if (L % R == 0) {
        Op& k = b.el("L.k_quant", OpKind::quant, B * kvw * R, nl);
        k.a = fp16;
        k.out = q.kv;
    }
}

void gen_attention(const ModelConfig& m, const Params& p, Builder& b) {
    const uint64_t B = p.batch, H = m.heads, Hkv = m.kv_heads, g = H / Hkv, dh = m.head_dim,
                   nl = m.layers;
    const uint64_t W = m.sliding_window;
    const Format fp16 = models::parse_format("fp16");
    if (!p.prefill) {
        const uint64_t L = W ? std::min(p.context, W) : p.context;
        const uint64_t R = p.residual;
        const uint64_t kr = R ? L % R : 0, kq = L - kr;
        const uint64_t vr = R ? std::min(L, R) : 0, vq = L - vr;
        if (kq) b.mm("L.qk", OpKind::attention_qk, g, dh, kq, B * Hkv, BSrc::kv, nl);
        if (kr) b.mm("L.qk_res", OpKind::attention_qk, g, dh, kr, B * Hkv, BSrc::kv, nl).b = fp16;
        b.el("L.softmax", OpKind::softmax, B * H * L, nl);
        if (vq) b.mm("L.pv", OpKind::attention_pv, g, vq, dh, B * Hkv, BSrc::kv, nl);
        if (vr) b.mm("L.pv_res", OpKind::attention_pv, g, vr, dh, B * Hkv, BSrc::kv, nl).b = fp16;
        return;
    }
    const uint64_t S = p.seq;
    std::vector<Block> blocks;
    if (!p.exact) {
        // Dense: the full score matrix with a causal mask; with a sliding window, every query is
        // charged min(S, W) keys (a band of width W).
        blocks.push_back({S, W ? std::min(S, W) : S, 1});
    } else {
        blocks = causal_blocks(W ? std::min(S, W) : S);
        // Queries W..S-1 of a sliding window each attend exactly W keys.
        if (W && S > W) blocks.push_back({S - W, W, 1});
    }
    auto name = [&](const char* base, const Block& blk, size_t i) {
        if (blocks.size() == 1) return std::string(base);
        if (W && S > W && i + 1 == blocks.size() && p.exact) return std::string(base) + ".band";
        return std::string(base) + "." + std::to_string(blk.q) + "x" + std::to_string(blk.k);
    };
    uint64_t scores = 0;
    for (size_t i = 0; i < blocks.size(); ++i) {
        const Block& blk = blocks[i];
        b.mm(name("L.qk", blk, i), OpKind::attention_qk, g * blk.q, dh, blk.k, B * Hkv * blk.count,
             BSrc::act, nl);
        scores += blk.q * blk.k * blk.count;
    }
    b.el("L.softmax", OpKind::softmax, B * H * scores, nl);
    for (size_t i = 0; i < blocks.size(); ++i) {
        const Block& blk = blocks[i];
        b.mm(name("L.pv", blk, i), OpKind::attention_pv, g * blk.q, blk.k, dh, B * Hkv * blk.count,
             BSrc::act, nl);
    }
}

void gen_llm(const ModelConfig& m, const QuantScheme& q, const Params& p, Builder& b) {
    const uint64_t B = p.batch, T = p.prefill ? p.seq : 1, BT = B * T;
    const uint64_t d = m.d, H = m.heads, Hkv = m.kv_heads, dh = m.head_dim, F = m.ffn,
                   nl = m.layers;
    const OpKind norm = m.rmsnorm ? OpKind::rmsnorm : OpKind::layernorm;
    const bool falcon = m.arch == Arch::falcon, opt = m.arch == Arch::opt;

    // Token embedding: a gather of B·T rows of d from the (FP16 by default) table.
    b.el("embed", OpKind::embedding, BT * d, 1).a = q.embedding;
    if (m.learned_pos) {
        b.el("pos_embed", OpKind::embedding, BT * d, 1).a = q.embedding;
        b.el("pos_add", OpKind::add, BT * d, 1);
    }
    if (falcon && m.parallel_attn && m.parallel_norms == 1) {
        b.el("L.input_norm", norm, BT * d, nl);
    } else {
        b.el("L.attn_norm", norm, BT * d, nl);
        if (m.parallel_attn) b.el("L.mlp_norm", norm, BT * d, nl);
    }
    if (m.fused_qkv) {
        b.mm("L.query_key_value", OpKind::gemm, BT, d, (H + 2 * Hkv) * dh, 1, BSrc::weight, nl);
    } else {
        b.mm("L.q_proj", OpKind::gemm, BT, d, H * dh, 1, BSrc::weight, nl);
        b.mm("L.k_proj", OpKind::gemm, BT, d, Hkv * dh, 1, BSrc::weight, nl);
        b.mm("L.v_proj", OpKind::gemm, BT, d, Hkv * dh, 1, BSrc::weight, nl);
    }
    if (m.rope) b.el("L.rope", OpKind::rope, BT * (H + Hkv) * dh, nl);
    gen_kv_writes(m, q, p, b);
    gen_attention(m, p, b);
    if (m.sub_norms) b.el("L.attn_sub_norm", OpKind::rmsnorm, BT * H * dh, nl);
    const char* o_name = falcon ? "L.dense" : opt ? "L.out_proj" : "L.o_proj";
    b.mm(o_name, OpKind::gemm, BT, H * dh, d, 1, BSrc::weight, nl);
    if (!m.parallel_attn) {
        b.el("L.attn_add", OpKind::add, BT * d, nl);
        b.el("L.mlp_norm", norm, BT * d, nl);
    }
    if (m.gated_mlp) {
        b.mm("L.gate_proj", OpKind::gemm, BT, d, F, 1, BSrc::weight, nl);
        b.mm("L.up_proj", OpKind::gemm, BT, d, F, 1, BSrc::weight, nl);
        b.el("L.act", m.mlp_act == "relu2" ? OpKind::relu2_mul : OpKind::silu_mul, BT * F, nl);
        if (m.sub_norms) b.el("L.ffn_sub_norm", OpKind::rmsnorm, BT * F, nl);
        b.mm("L.down_proj", OpKind::gemm, BT, F, d, 1, BSrc::weight, nl);
    } else {
        b.mm(falcon ? "L.dense_h_to_4h" : "L.fc1", OpKind::gemm, BT, d, F, 1, BSrc::weight, nl);
        b.el("L.act", m.mlp_act == "relu" ? OpKind::relu : OpKind::gelu, BT * F, nl);
        b.mm(falcon ? "L.dense_4h_to_h" : "L.fc2", OpKind::gemm, BT, F, d, 1, BSrc::weight, nl);
    }
    // Parallel blocks (Falcon) add attention and MLP outputs to the residual: two adds.
    if (m.parallel_attn) b.el("L.attn_add", OpKind::add, BT * d, nl);
    b.el("L.mlp_add", OpKind::add, BT * d, nl);
    // HF normalises every position before slicing the logits.
    b.el("final_norm", norm, BT * d, 1);
    // lm_head on the last position of each sequence (decode, and prefill by default) or on all S
    // (`logits=all`, what HF computes when logits_to_keep is 0). Tied heads are still read.
    const uint64_t t_out = p.prefill && p.all_logits ? p.seq : 1;
    b.mm("lm_head", OpKind::gemm, B * t_out, d, m.vocab, 1, BSrc::weight, 1).b = q.lm_head;
}

std::string range_msg(uint64_t lo, const std::string& got) {
    return "must be an integer >= " + std::to_string(lo) + ", got " + quoted(got);
}

}  // namespace

const std::vector<std::string>& gen_option_keys() { return kOptionKeys; }

void set_gen_option(GenOptions* o, const std::string& key, const std::string& value,
                    const std::string& shown, sim::Errors& errs) {
    const std::string v = trim(value);
    auto num = [&](std::optional<uint64_t>* dst, uint64_t lo) {
        uint64_t x = 0;
        if (!parse_u64_strict(v, &x) || x < lo) errs.add(shown, range_msg(lo, value));
        else *dst = x;
    };
    auto choice = [&](std::string* dst, const std::vector<std::string>& allowed) {
        for (const auto& a : allowed) {
            if (v == a) {
                *dst = v;
                return;
            }
        }
        errs.add(shown, "must be one of " + join(allowed, ", ") + ", got " + quoted(value));
    };
    if (key == "phase") choice(&o->phase, {"prefill", "decode"});
    else if (key == "batch") num(&o->batch, 1);
    else if (key == "seq") num(&o->seq, 1);
    else if (key == "context") num(&o->context, 1);
    else if (key == "kv_residual") num(&o->kv_residual, 0);
    else if (key == "image") num(&o->image, 1);
    else if (key == "causal") choice(&o->causal, {"dense", "exact"});
    else if (key == "logits") choice(&o->logits, {"last", "all"});
    else if (key == "quant") {
        if (v.empty()) errs.add(shown, "must not be empty; " + quant_spec_grammar());
        else o->quant = v;
    } else {
        errs.add(shown, "unknown option; allowed: " + join(kOptionKeys, ", "));
    }
}

Trace generate_trace(const ModelConfig& m, const GenOptions& o, const std::string& label) {
    sim::Errors errs(label);
    Params p;
    p.prefill = o.phase.empty() || o.phase == "prefill";
    p.batch = o.batch.value_or(1);
    const std::string ctx_note =
        "maximum context " + std::to_string(m.max_context) + " (max_position_embeddings)";
    if (m.is_vit()) {
        if (!p.prefill) errs.add("phase", "ViT models are encoders: only prefill, got 'decode'");
        if (o.seq || o.context)
            errs.add(o.seq ? "seq" : "context",
                     "a ViT's token count is fixed by image and patch ((" +
                         std::to_string(m.image) + "/" + std::to_string(m.patch) + ")² + 1 = " +
                         std::to_string(m.vit_tokens(m.image)) + "); set image instead");
        if (o.kv_residual) errs.add("kv_residual", "ViT models have no KV cache");
        if (!o.causal.empty())
            errs.add("causal", "applies to LLM prefill only (ViT attention is not causal)");
        if (!o.logits.empty()) errs.add("logits", "applies to LLMs only");
        p.image = o.image.value_or(m.image);
        if (p.image % m.patch != 0)
            errs.add("image", "must be a multiple of the patch size " + std::to_string(m.patch) +
                                  ", got " + std::to_string(p.image));
    } else {
        if (o.image) errs.add("image", "applies to ViT models only");
        if (p.prefill) {
            if (o.seq && o.context && *o.seq != *o.context)
                errs.add("context", "prefill attends its own prompt: context must equal seq (" +
                                        std::to_string(*o.seq) + "), got " +
                                        std::to_string(*o.context));
            p.seq = o.seq ? *o.seq : o.context ? *o.context : kDefaultSeq;
            if (p.seq > m.max_context)
                errs.add(o.seq ? "seq" : "context",
                         std::to_string(p.seq) + " is beyond " + m.name + "'s " + ctx_note);
            p.context = p.seq;
        } else {
            if (o.seq && o.context && *o.context != *o.seq + 1)
                errs.add("context", "decode attends the cached tokens plus the new one: context "
                                    "must be seq + 1 = " +
                                        std::to_string(*o.seq + 1) + ", got " +
                                        std::to_string(*o.context));
            p.context = o.context ? *o.context : o.seq ? *o.seq + 1 : kDefaultSeq;
            if (p.context > m.max_context) {
                if (o.context)
                    errs.add("context",
                             std::to_string(p.context) + " is beyond " + m.name + "'s " + ctx_note);
                else
                    errs.add("seq", "context seq + 1 = " + std::to_string(p.context) +
                                        " is beyond " + m.name + "'s " + ctx_note);
            }
            p.seq = p.context - 1;
        }
        p.exact = o.causal == "exact";
        p.all_logits = o.logits == "all";
        p.residual = o.kv_residual.value_or(0);
    }
    QuantScheme q;
    try {
        q = parse_quant_spec(o.quant, m, "quant");
    } catch (const sim::ConfigError& e) {
        errs.add("", e.what());
    }
    if (p.residual) {
        if (!q.kv_quantized()) {
            errs.add("kv_residual",
                     "needs a quantized KV cache (e.g. quant W4A16KV2), but kv is " + q.kv.spec);
        } else if (q.kv.gran == models::Granularity::group && p.residual % q.kv.group != 0) {
            errs.add("kv_residual", "must be a multiple of the KV group size " +
                                        std::to_string(q.kv.group) +
                                        " (KIVI quantizes keys in whole groups), got " +
                                        std::to_string(p.residual));
        }
    }
    errs.throw_if_any();

    Trace t;
    t.model = m.name;
    t.phase = p.prefill ? "prefill" : "decode";
    t.batch = p.batch;
    t.source = label;
    if (m.is_vit()) {
        t.seq = t.context = m.vit_tokens(p.image);
    } else {
        t.seq = p.seq;
        t.context = p.context;
    }
    t.quant["weights"] = q.weights.spec;
    t.quant["activations"] = q.activations.spec;
    if (!m.is_vit()) t.quant["kv"] = q.kv.spec;
    t.quant["scores"] = q.scores.spec;
    Builder b(&t);
    if (m.is_vit()) gen_vit(m, p, b);
    else gen_llm(m, q, p, b);
    return t;
}

ZooSpec parse_zoo_spec(const std::string& spec) {
    sim::Errors errs(spec);
    std::string s = spec;
    if (s.rfind("zoo:", 0) == 0) s = s.substr(4);
    ZooSpec z;
    const size_t qm = s.find('?');
    const std::string head = s.substr(0, qm);
    const auto parts = split(head, ':');
    z.model = trim(parts[0]);
    if (z.model.empty()) errs.add("", "no model: expected zoo:MODEL[:PHASE][?key=value&...]");
    if (parts.size() > 2)
        errs.add("", "expected zoo:MODEL[:PHASE][?key=value&...], got too many ':' fields");
    if (parts.size() == 2) set_gen_option(&z.options, "phase", parts[1], "phase", errs);
    if (qm != std::string::npos) {
        for (const auto& item : split(s.substr(qm + 1), '&')) {
            if (trim(item).empty()) continue;
            const size_t eq = item.find('=');
            if (eq == std::string::npos) {
                errs.add(trim(item), "expected key=value (keys: " + join(kOptionKeys, ", ") + ")");
                continue;
            }
            const std::string key = trim(item.substr(0, eq));
            if (key == "phase" && parts.size() == 2) {
                errs.add("phase", "given twice (after ':' and as ?phase=)");
                continue;
            }
            set_gen_option(&z.options, key, item.substr(eq + 1), key, errs);
        }
    }
    errs.throw_if_any();
    return z;
}

Trace zoo_trace(const std::string& spec) {
    const ZooSpec z = parse_zoo_spec(spec);
    ModelConfig m;
    try {
        m = zoo_model(z.model);
    } catch (const sim::ConfigError& e) {
        throw sim::ConfigError(spec + ": " + e.what());
    }
    return generate_trace(m, z.options, spec);
}

}  // namespace qasim::workloads

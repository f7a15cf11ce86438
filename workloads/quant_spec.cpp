#include "workloads/quant_spec.h"

#include <cctype>

#include "sim/errors.h"
#include "workloads/text_util.h"

namespace qasim::workloads {

using models::Format;
using models::parse_format;

namespace {

const std::vector<std::string> kRoles = {"weights", "activations", "kv",
                                         "scores",  "lm_head",     "embedding"};

struct State {
    QuantScheme q;
    bool kv_set = false;
    bool scores_set = false;
};

[[noreturn]] void fail(const std::string& label, const std::string& item, const std::string& why) {
    throw sim::ConfigError(label + ": " + quoted(item) + ": " + why +
                           ". Allowed: " + quant_spec_grammar());
}

/// Reads decimal digits at `pos`; returns false if there are none.
bool read_digits(const std::string& s, size_t* pos, std::string* out) {
    const size_t start = *pos;
    while (*pos < s.size() && std::isdigit(static_cast<unsigned char>(s[*pos]))) ++*pos;
    *out = s.substr(start, *pos - start);
    return !out->empty() && out->size() <= 3;
}

void apply_shorthand(const std::string& item, const ModelConfig& m, const std::string& label,
                     State* st) {
    const std::string s = lower(item);
    *st = State{};
    if (s == "fp16") {
        st->kv_set = st->scores_set = true;
        return;
    }
    size_t pos = 0;
    std::string w, a, kv;
    if (s.empty() || s[0] != 'w') fail(label, item, "malformed shorthand (expected W<bits>...)");
    ++pos;
    if (s.compare(pos, 4, "1.58") == 0) {
        w = "1.58";
        pos += 4;
    } else if (!read_digits(s, &pos, &w)) {
        fail(label, item, "malformed shorthand (expected digits after W)");
    }
    bool has_a = false, has_kv = false;
    if (pos < s.size() && s[pos] == 'a') {
        ++pos;
        has_a = true;
        if (!read_digits(s, &pos, &a))
            fail(label, item, "malformed shorthand (expected digits after A)");
    }
    if (s.compare(pos, 2, "kv") == 0) {
        pos += 2;
        has_kv = true;
        if (!read_digits(s, &pos, &kv))
            fail(label, item, "malformed shorthand (expected digits after KV)");
    }
    if (pos != s.size())
        fail(label, item, "malformed shorthand (unexpected " + quoted(s.substr(pos)) + ")");

    const uint64_t wb = w == "1.58" ? 0 : std::stoull(w);
    if (!has_a) {
        if (has_kv)
            fail(label, item,
                 "give the activation bits too (e.g. W4A16KV2); bare W3/W4 select BitMoD");
        if (wb != 3 && wb != 4)
            fail(label, item,
                 "a bare W<bits> selects BitMoD weights and takes W3 or W4; give A bits for "
                 "other widths (e.g. W8A16)");
        // BitMoD (BitMoD-HPCA-25@e445a5f): per-group (G=128) FP3/FP4 variants, FP16 activations.
        st->q.weights = parse_format(wb == 3 ? "bitmod3/g128" : "bitmod4/g128");
        st->kv_set = st->scores_set = true;
        return;
    }
    const uint64_t ab = std::stoull(a);
    if (w != "1.58" && !(wb == 16 || (wb >= 2 && wb <= 8)))
        fail(label, item, "W bits must be 1.58, 2..8 or 16, got " + w);
    if (!(ab == 16 || (ab >= 2 && ab <= 8)))
        fail(label, item, "A bits must be 2..8 or 16, got " + a);
    if (has_kv) {
        const uint64_t kb = std::stoull(kv);
        if (!(kb == 16 || (kb >= 1 && kb <= 8)))
            fail(label, item, "KV bits must be 1..8 or 16, got " + kv);
        if (m.is_vit()) fail(label, item, "ViT models have no KV cache (drop KV" + kv + ")");
    }
    const bool olive = !m.is_vit() && wb == 4 && ab == 4;
    if (olive) {
        // OliVe (ANT-Quantization@bc84067 olive_quantization): OVP 4-bit, weights per-channel
        // scale,
        // activations per-tensor; attention BMMs stay FP16.
        st->q.weights = parse_format("ovp4/channel/fp32");
        st->q.activations = parse_format("ovp4");
        st->q.kv = parse_format("fp16");
        st->kv_set = st->scores_set = true;
    } else {
        if (w == "1.58") st->q.weights = parse_format("ternary/tensor");
        else if (wb == 16) st->q.weights = parse_format("fp16");
        else if (m.is_vit() || wb == 8) st->q.weights = parse_format("int" + w + "/channel/fp32");
        else st->q.weights = parse_format("int" + w + "/g128");
        st->q.activations = parse_format(ab == 16 ? "fp16" : "int" + a);
        if (m.is_vit() && ab < 16) {
            st->q.scores = parse_format("log2_" + a);
            st->scores_set = true;
        }
    }
    if (has_kv) {
        st->q.kv = parse_format(kv == "16" ? "fp16" : "int" + kv + "/g32/fp16sz");
        st->kv_set = true;
    }
}

void apply_item(const std::string& raw, const ModelConfig& m, const std::string& label, State* st) {
    const std::string item = trim(raw);
    if (item.empty()) fail(label, raw, "empty item");
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
        apply_shorthand(item, m, label, st);
        return;
    }
    const std::string role = lower(trim(item.substr(0, eq)));
    const std::string text = trim(item.substr(eq + 1));
    bool known = false;
    for (const auto& r : kRoles) known = known || r == role;
    if (!known) fail(label, item, "unknown role " + quoted(role));
    if (m.is_vit() && (role == "kv" || role == "lm_head" || role == "embedding"))
        fail(label, item,
             "role " + role +
                 " is not used by ViT models (their patch embedding and head use "
                 "the weights format)");
    Format f;
    try {
        f = parse_format(text);
    } catch (const models::FormatError& e) {
        throw sim::ConfigError(label + ": " + quoted(item) + ": " + e.what());
    }
    if (role == "weights") st->q.weights = f;
    else if (role == "activations") st->q.activations = f;
    else if (role == "kv") {
        st->q.kv = f;
        st->kv_set = true;
    } else if (role == "scores") {
        st->q.scores = f;
        st->scores_set = true;
    } else if (role == "lm_head") st->q.lm_head = f;
    else st->q.embedding = f;
}

}  // namespace

std::string quant_spec_grammar() {
    return "comma-separated items, each a shorthand W<w>[A<a>][KV<kv>] (w: 1.58, 2..8 or 16; a: "
           "2..8 or "
           "16; kv: 1..8 or 16; e.g. W4A16KV2, W8A8, W4A8, W2A8KV4, W1.58A8; bare W3/W4 = BitMoD; "
           "W4A4 = "
           "OliVe on LLMs) or ROLE=FORMAT with ROLE one of {weights, activations, kv, scores, "
           "lm_head, "
           "embedding}, e.g. weights=int4/g128,activations=fp16,kv=int2/g32/fp16sz,scores=log2_4";
}

QuantScheme parse_quant_spec(const std::string& spec, const ModelConfig& m,
                             const std::string& label) {
    State st;
    if (!m.default_quant.empty())
        for (const auto& item : split(m.default_quant, ',')) apply_item(item, m, label, &st);
    if (!trim(spec).empty())
        for (const auto& item : split(spec, ',')) apply_item(item, m, label, &st);
    if (!st.kv_set) st.q.kv = st.q.activations;
    if (!st.scores_set) st.q.scores = st.q.activations;
    return st.q;
}

}  // namespace qasim::workloads

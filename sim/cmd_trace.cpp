// qasim trace: writes a qasim.trace/1 trace of a zoo model or a Hugging Face config.json.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/errors.h"
#include "workloads/generator.h"
#include "workloads/model_config.h"
#include "workloads/trace.h"

namespace qasim::sim {

namespace {
namespace po = boost::program_options;
namespace wl = qasim::workloads;

/// Options of `qasim trace` that map 1:1 to generator keys (flag --kv-residual ↔ key kv_residual).
struct FlagKey {
    const char* flag;
    const char* key;
    const char* help;
};
const FlagKey kFlags[] = {
    {"phase", "phase", "prefill | decode (default prefill)"},
    {"batch", "batch", "B: sequences or images (default 1)"},
    {"seq", "seq",
     "prefill: prompt length S; decode: tokens already cached (default: 1024 / 1023)"},
    {"context", "context", "decode: keys attended L = seq + 1 (default 1024); prefill: = seq"},
    {"quant", "quant",
     "quant spec, e.g. W4A16KV2, W8A8, W3, W4A4, W2A8KV4 or "
     "weights=int4/g128,activations=fp16,kv=int2/g32/fp16sz,scores=log2_4"},
    {"kv-residual", "kv_residual", "KIVI: newest R tokens kept in FP16 (multiple of the KV group)"},
    {"causal", "causal",
     "prefill attention: dense (full S×S with mask, default) | exact (lower triangle)"},
    {"logits", "logits", "prefill lm_head: last (default) | all S positions"},
    {"image", "image", "ViT input side in pixels (default: the config's image_size)"},
};

int run(int argc, char** argv) {
    std::string workload, format, out, hf_config;
    bool list = false;
    po::options_description desc(
        "qasim trace [zoo:]MODEL[:PHASE][?key=value&...] | --hf-config FILE [options]\n"
        "Writes a qasim.trace/1 trace (YAML or CSV) to stdout or --out");
    desc.add_options()("help,h", "show this help");
    desc.add_options()("list", po::bool_switch(&list), "list the zoo models");
    desc.add_options()("hf-config", po::value(&hf_config),
                       "build from a Hugging Face config.json instead of the zoo");
    desc.add_options()("format", po::value(&format),
                       "yaml | csv (default: from --out's extension, else yaml)");
    desc.add_options()("out,o", po::value(&out), "output file (default stdout)");
    std::vector<std::string> values(sizeof(kFlags) / sizeof(kFlags[0]));
    for (size_t i = 0; i < values.size(); ++i)
        desc.add_options()(kFlags[i].flag, po::value(&values[i]), kFlags[i].help);
    po::options_description hidden;
    hidden.add_options()("workload", po::value(&workload));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("workload", 1);
    po::variables_map vm;
    if (parse_options(argc, argv, all, vm, &pos)) {
        std::cout << desc << "\nzoo models:\n" << wl::describe_zoo();
        return 0;
    }
    if (list) {
        std::cout << wl::describe_zoo();
        return 0;
    }
    if (workload.empty() == hf_config.empty())
        throw ConfigError(hf_config.empty()
                              ? "give a zoo model (e.g. zoo:llama2-7b) or --hf-config FILE"
                              : "give either a zoo model or --hf-config FILE, not both");
    wl::ModelConfig model;
    wl::GenOptions opts;
    std::string label;
    if (!hf_config.empty()) {
        model = wl::load_hf_config(hf_config);
        label = hf_config;
    } else {
        const wl::ZooSpec z = wl::parse_zoo_spec(workload);
        try {
            model = wl::zoo_model(z.model);
        } catch (const ConfigError& e) {
            throw ConfigError(workload + ": " + e.what());
        }
        opts = z.options;
        label = workload;
    }
    Errors errs(label);
    for (size_t i = 0; i < values.size(); ++i) {
        if (vm.count(kFlags[i].flag))
            wl::set_gen_option(&opts, kFlags[i].key, values[i], std::string("--") + kFlags[i].flag,
                               errs);
    }
    if (format.empty()) {
        format = out.size() > 4 && out.compare(out.size() - 4, 4, ".csv") == 0 ? "csv" : "yaml";
    } else if (format != "yaml" && format != "csv") {
        errs.add("--format", "must be one of yaml, csv, got '" + format + "'");
    }
    errs.throw_if_any();
    const wl::Trace t = wl::generate_trace(model, opts, label);
    const std::string text = format == "csv" ? wl::to_csv(t) : wl::to_yaml(t);
    if (out.empty()) std::cout << text;
    else write_file_atomic(out, text);
    return 0;
}
}  // namespace

int cmd_trace(int argc, char** argv) {
    return guarded("trace", [&] { return run(argc, argv); });
}

}  // namespace qasim::sim

#include "hw/hbm/hbm_config.h"

namespace qasim::hw {
namespace {

using models::dram::Spec;

struct U64Override {
    const char* key;
    const char* unit;
    const char* desc;
    std::optional<uint64_t> HbmConfig::*member;
    uint64_t& (*ref)(Spec&);
};
struct F64Override {
    const char* key;
    const char* unit;
    const char* desc;
    std::optional<double> HbmConfig::*member;
    double& (*ref)(Spec&);
};

// Every organisation and timing value of a preset, as a YAML key.
const U64Override kU64[] = {
    {"channels", "", "channels per stack", &HbmConfig::channels,
     [](Spec& s) -> uint64_t& { return s.org.channels; }},
    {"pseudo_channels", "", "pseudo-channels per channel", &HbmConfig::pseudo_channels,
     [](Spec& s) -> uint64_t& { return s.org.pseudo_channels; }},
    {"sids", "", "stack IDs per pseudo-channel (extra bank dimension)", &HbmConfig::sids,
     [](Spec& s) -> uint64_t& { return s.org.sids; }},
    {"bank_groups", "", "bank groups per pseudo-channel (per SID)", &HbmConfig::bank_groups,
     [](Spec& s) -> uint64_t& { return s.org.bank_groups; }},
    {"banks_per_group", "", "banks per bank group", &HbmConfig::banks_per_group,
     [](Spec& s) -> uint64_t& { return s.org.banks_per_group; }},
    {"rows", "", "rows per bank", &HbmConfig::rows,
     [](Spec& s) -> uint64_t& { return s.org.rows; }},
    {"columns", "bursts", "column addresses per row, in bursts", &HbmConfig::columns,
     [](Spec& s) -> uint64_t& { return s.org.columns; }},
    {"burst_length", "beats", "beats per burst (BL)", &HbmConfig::burst_length,
     [](Spec& s) -> uint64_t& { return s.org.burst_length; }},
    {"bus_bits", "bit", "data bus width of a pseudo-channel", &HbmConfig::bus_bits,
     [](Spec& s) -> uint64_t& { return s.org.bus_bits; }},
    {"tck_ps", "ps", "command clock period tCK", &HbmConfig::tck_ps,
     [](Spec& s) -> uint64_t& { return s.timing.tck_ps; }},
    {"tcl_cycles", "cycles", "tCL: RD to data", &HbmConfig::tcl_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.cl; }},
    {"tcwl_cycles", "cycles", "tCWL: WR to data", &HbmConfig::tcwl_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.cwl; }},
    {"trcd_rd_cycles", "cycles", "tRCDRD: ACT to RD", &HbmConfig::trcd_rd_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rcd_rd; }},
    {"trcd_wr_cycles", "cycles", "tRCDWR: ACT to WR", &HbmConfig::trcd_wr_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rcd_wr; }},
    {"trp_cycles", "cycles", "tRP: PRE to ACT", &HbmConfig::trp_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rp; }},
    {"tras_cycles", "cycles", "tRAS: ACT to PRE", &HbmConfig::tras_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.ras; }},
    {"trc_cycles", "cycles", "tRC: ACT to ACT, same bank", &HbmConfig::trc_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rc; }},
    {"twr_cycles", "cycles", "tWR: write data to PRE", &HbmConfig::twr_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.wr; }},
    {"trtp_cycles", "cycles", "tRTP: RD to PRE", &HbmConfig::trtp_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rtp; }},
    {"tccd_s_cycles", "cycles", "tCCD_S: column to column, other bank group",
     &HbmConfig::tccd_s_cycles, [](Spec& s) -> uint64_t& { return s.timing.ccd_s; }},
    {"tccd_l_cycles", "cycles", "tCCD_L: column to column, same bank group",
     &HbmConfig::tccd_l_cycles, [](Spec& s) -> uint64_t& { return s.timing.ccd_l; }},
    {"tccd_r_cycles", "cycles",
     "tCCD_R: RD to RD, other stack ID of the pseudo-channel (effective max(tCCD_S, tCCD_R))",
     &HbmConfig::tccd_r_cycles, [](Spec& s) -> uint64_t& { return s.timing.ccd_r; }},
    {"trrd_s_cycles", "cycles", "tRRD_S: ACT to ACT, other bank group", &HbmConfig::trrd_s_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rrd_s; }},
    {"trrd_l_cycles", "cycles", "tRRD_L: ACT to ACT, same bank group", &HbmConfig::trrd_l_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rrd_l; }},
    {"tfaw_cycles", "cycles", "tFAW: window of four ACTs per pseudo-channel",
     &HbmConfig::tfaw_cycles, [](Spec& s) -> uint64_t& { return s.timing.faw; }},
    {"twtr_s_cycles", "cycles", "tWTR_S: write data to RD, other bank group",
     &HbmConfig::twtr_s_cycles, [](Spec& s) -> uint64_t& { return s.timing.wtr_s; }},
    {"twtr_l_cycles", "cycles", "tWTR_L: write data to RD, same bank group",
     &HbmConfig::twtr_l_cycles, [](Spec& s) -> uint64_t& { return s.timing.wtr_l; }},
    {"trtw_cycles", "cycles", "tRTW: RD to WR turnaround", &HbmConfig::trtw_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rtw; }},
    {"trfc_cycles", "cycles", "tRFC: all-bank refresh to ACT", &HbmConfig::trfc_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.rfc; }},
    {"trefi_cycles", "cycles", "tREFI: refresh interval", &HbmConfig::trefi_cycles,
     [](Spec& s) -> uint64_t& { return s.timing.refi; }},
    {"act_cmd_cycles", "cycles", "cycles an ACT occupies the row command bus",
     &HbmConfig::act_cmd_cycles, [](Spec& s) -> uint64_t& { return s.timing.act_cmd_cycles; }},
};

const F64Override kF64[] = {
    {"data_rate_mtps", "MT/s", "transfers per second per data pin", &HbmConfig::data_rate_mtps,
     [](Spec& s) -> double& { return s.org.data_rate_mtps; }},
    {"act_energy_pj", "pJ", "energy of one ACT with its PRE", &HbmConfig::act_energy_pj,
     [](Spec& s) -> double& { return s.energy.act_pj; }},
    {"read_energy_pj_per_bit", "pJ/bit", "array and on-die energy of a read",
     &HbmConfig::read_energy_pj_per_bit,
     [](Spec& s) -> double& { return s.energy.read_pj_per_bit; }},
    {"write_energy_pj_per_bit", "pJ/bit", "array and on-die energy of a write",
     &HbmConfig::write_energy_pj_per_bit,
     [](Spec& s) -> double& { return s.energy.write_pj_per_bit; }},
    {"io_energy_pj_per_bit", "pJ/bit", "interposer I/O energy per bit moved",
     &HbmConfig::io_energy_pj_per_bit, [](Spec& s) -> double& { return s.energy.io_pj_per_bit; }},
    {"refresh_energy_pj", "pJ", "one all-bank refresh of one pseudo-channel",
     &HbmConfig::refresh_energy_pj, [](Spec& s) -> double& { return s.energy.refresh_pj; }},
    {"background_mw_per_stack", "mW", "background (standby) power of one stack",
     &HbmConfig::background_mw_per_stack,
     [](Spec& s) -> double& { return s.energy.background_mw_per_stack; }},
    {"phy_area_mm2_per_stack", "mm2", "HBM PHY area on the logic die per stack",
     &HbmConfig::phy_area_mm2_per_stack, [](Spec& s) -> double& { return s.area.phy_mm2; }},
    {"controller_mtr_per_stack", "MTr", "memory controller transistors per stack",
     &HbmConfig::controller_mtr_per_stack,
     [](Spec& s) -> double& { return s.area.controller_mtr; }},
};

/// The preset of a config (hbm2 if the name is not valid, for printing only).
Spec base_spec(const HbmConfig& c) {
    for (const auto& n : models::dram::preset_names())
        if (n == c.preset) return models::dram::preset(n);
    return models::dram::preset("hbm2");
}

}  // namespace

models::dram::SystemConfig HbmConfig::resolve() const {
    models::dram::SystemConfig s;
    s.spec = models::dram::preset(preset);
    for (const auto& o : kU64)
        if (const auto& v = this->*o.member) o.ref(s.spec) = *v;
    for (const auto& o : kF64)
        if (const auto& v = this->*o.member) o.ref(s.spec) = *v;
    s.stacks = stacks;
    s.address_map = address_map.empty() ? s.spec.default_map : address_map;
    s.ctrl.read_queue_depth = read_queue_depth;
    s.ctrl.write_queue_depth = write_queue_depth;
    s.ctrl.write_high_watermark = write_high_watermark;
    s.ctrl.write_low_watermark = write_low_watermark;
    s.ctrl.row_hit_cap = row_hit_cap;
    s.ctrl.page_policy = page_policy;
    s.ctrl.refresh = refresh;
    s.fast_stream = fast_stream;
    s.memo = memo;
    return s;
}

const sim::FieldTable<HbmConfig>& HbmConfig::fields() {
    static const sim::FieldTable<HbmConfig> table = [] {
        using PP = models::dram::PagePolicy;
        using RP = models::dram::RefreshPolicy;
        sim::FieldTable<HbmConfig> t;
        t.choice(
            "preset", &HbmConfig::preset,
            "device standard and speed (organisation, timings, energy: models/dram/dram_spec.cpp)",
            std::vector<std::pair<std::string, std::string>>{
                {"hbm2", "hbm2"}, {"hbm2e", "hbm2e"}, {"hbm3", "hbm3"}});
        t.u64("stacks", &HbmConfig::stacks, "", "HBM stacks; each adds the preset's channels", 1,
              64);
        t.custom(
            "address_map", "string", "",
            "address bits to fields, most significant first (e.g. RoBaBgCoPcCh)",
            "Ro Ba Bg Si Pc Ch Co with optional bit counts",
            [](HbmConfig& c, const std::string& v, std::string*) {
                c.address_map = v;
                return true;
            },
            [](const HbmConfig& c) {
                return c.address_map.empty() ? base_spec(c).default_map : c.address_map;
            });
        t.choice(
            "page_policy", &HbmConfig::page_policy, "row-buffer policy",
            std::vector<std::pair<std::string, PP>>{{"open", PP::open}, {"closed", PP::closed}});
        t.choice("refresh", &HbmConfig::refresh, "refresh policy",
                 std::vector<std::pair<std::string, RP>>{{"all_bank", RP::all_bank},
                                                         {"none", RP::none}});
        t.u64("read_queue_depth", &HbmConfig::read_queue_depth, "bursts",
              "read queue entries per channel", 0, 1 << 16);
        t.u64("write_queue_depth", &HbmConfig::write_queue_depth, "bursts",
              "write queue entries per channel", 0, 1 << 16);
        t.f64("write_high_watermark", &HbmConfig::write_high_watermark, "",
              "write-queue fill that starts a write drain", 0, 1);
        t.f64("write_low_watermark", &HbmConfig::write_low_watermark, "",
              "write-queue fill below which reads resume", 0, 1);
        t.u64("row_hit_cap", &HbmConfig::row_hit_cap, "hits",
              "row hits that may bypass an older request to another row (0: no hit priority)");
        t.boolean("fast_stream", &HbmConfig::fast_stream,
                  "time channels in identical states fed identical bursts once (exact, faster "
                  "DMA blocks); false: every channel burst by burst");
        t.boolean("memo", &HbmConfig::memo,
                  "replay a channel's run of a DMA block from a memo of runs from equivalent "
                  "states (exact, faster DMA blocks); false: every run simulated");
        for (const auto& o : kU64) {
            const auto m = o.member;
            const auto ref = o.ref;
            t.custom(
                o.key, "integer", o.unit, o.desc, ">= 0; default: the preset's value",
                [m](HbmConfig& c, const std::string& v, std::string* err) {
                    uint64_t x = 0;
                    if (!sim::parse_u64_text(v, &x)) {
                        *err = "must be an integer >= 0, got '" + v + "'";
                        return false;
                    }
                    c.*m = x;
                    return true;
                },
                [m, ref](const HbmConfig& c) {
                    if (c.*m) return std::to_string(*(c.*m));
                    Spec s = base_spec(c);
                    return std::to_string(ref(s));
                });
        }
        for (const auto& o : kF64) {
            const auto m = o.member;
            const auto ref = o.ref;
            t.custom(
                o.key, "number", o.unit, o.desc, ">= 0; default: the preset's value",
                [m](HbmConfig& c, const std::string& v, std::string* err) {
                    double x = 0;
                    if (!sim::parse_f64_text(v, &x) || x < 0) {
                        *err = "must be a number >= 0, got '" + v + "'";
                        return false;
                    }
                    c.*m = x;
                    return true;
                },
                [m, ref](const HbmConfig& c) {
                    if (c.*m) return sim::format_f64(*(c.*m));
                    Spec s = base_spec(c);
                    return sim::format_f64(ref(s));
                });
        }
        return t;
    }();
    return table;
}

void HbmConfig::validate(const std::string& path, sim::Errors& errs) const {
    const models::dram::SystemConfig sc = resolve();
    const auto problems = models::dram::check_config(sc);
    for (const auto& p : problems) errs.add(path.empty() ? p.key : path + "." + p.key, p.message);
    // A given tCCD_R below tCCD_S would be silently raised to it (the model applies the larger
    // of the two); JEDEC's tCCDR is never below tCCDS. Presets' own values are not checked: an
    // override of tccd_s_cycles alone keeps working (then tCCD_R = tCCD_S).
    const auto& t = sc.spec.timing;
    if (tccd_r_cycles && t.ccd_r < t.ccd_s)
        errs.add(path.empty() ? "tccd_r_cycles" : path + ".tccd_r_cycles",
                 "tCCD_R must be >= tCCD_S (" + std::to_string(t.ccd_s) + "), got " +
                     std::to_string(t.ccd_r));
}

}  // namespace qasim::hw

#include "models/dram/dram_spec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qasim::models::dram {
namespace {

// ---------------------------------------------------------------------------------------------
// Device energy, shared by all presets.
// Source choice: the DRAMsim3 IDD derivation (published_numbers.md §3, "D" from the P config
// umd-memsys/DRAMsim3@2981759:configs/HBM2_8Gb_x128.ini, VDD 1.2 V, IDD0 65, IDD2N 40, IDD3N 55,
// IDD4R 390, IDD4W 500, IDD5AB 250 mA) rather than the FGDRAM breakdown, because it is one
// self-consistent current set that separates read from write and gives refresh and background
// power, which FGDRAM (quoted second-hand, tag S) does not. The two agree on the activation
// (828 vs 909 pJ per 1 KB row, 9 %). DRAMsim3 models no I/O, so the interposer I/O energy is
// FGDRAM's 0.30 pJ/bit (O'Connor et al., MICRO 2017, as quoted in published_numbers.md §3).
// Known gap: FGDRAM's on-die movement (2.24 pJ/bit) is above the IDD4R−IDD3N column energy
// (1.57 pJ/bit); a sequential read here costs ≈ 2 pJ/bit with I/O, FGDRAM's total is 3.97 pJ/bit.
// No sourced IDD set exists in the reference for HBM2E/HBM3: they reuse these values (override
// the *_pj keys to study them).
Energy hbm2_energy() {
    Energy e;
    // ACT+PRE: VDD × (IDD0·tRC − (IDD3N·tRAS + IDD2N·tRP)) = 1.2 × (65·48 − (55·34 + 40·14)) pJ
    // = 828 pJ (published_numbers.md §3, DRAMsim3 InitPowerParams).
    e.act_pj = 828.0;
    // Read burst: 1.2 V × (390 − 55) mA × 2 ns = 804 pJ per 64 B = 1.57 pJ/bit (same source).
    e.read_pj_per_bit = 1.57;
    // Write burst: 1.2 V × (500 − 55) mA × 2 ns = 1068 pJ per 64 B = 2.09 pJ/bit (same source).
    e.write_pj_per_bit = 2.09;
    // I/O: FGDRAM 0.30 pJ/bit (published_numbers.md §3; DRAMsim3 has none).
    e.io_pj_per_bit = 0.30;
    // Refresh: 1.2 V × (IDD5AB − IDD3N) × tRFC = 1.2 × (250 − 55) mA × 260 ns = 60.84 nJ per REF of
    // the DRAMsim3 128-bit channel (= 15.6 mW per channel at tREFI 3.9 us, published_numbers.md
    // §3); a pseudo-channel is half of it and refreshes on its own: 30.42 nJ per REFab per PC.
    e.refresh_pj = 30420.0;
    // Background: precharge standby VDD × IDD2N = 1.2 V × 40 mA = 48 mW per 128-bit channel,
    // × 8 channels = 384 mW per stack (derived from the same IDD set).
    e.background_mw_per_stack = 384.0;
    return e;
}

// Area: LLMCompass (PrincetonUniversity/LLMCompass@2e015fd:cost_model/cost_model.py, in
// published_numbers.md §2c): HBM2e PHY 10.45 mm² per 1024-bit stack interface (does not scale
// with the node), controller 552.7 M transistors per stack.
StackArea hbm_area() {
    StackArea a;
    a.phy_mm2 = 10.45;
    a.controller_mtr = 552.7;
    return a;
}

// ---------------------------------------------------------------------------------------------
// HBM2, 2 Gb/s/pin, pseudo-channel mode. Organisation and timings: the Ramulator 2.1 row
// "HBM2_4Gb + HBM2_2000Mbps" of ../shared/reference/dram/timing_params.csv
// (CMU-SAFARI/ramulator2@c5b1c3a python/ramulator/dram/hbm2.py), 8 channels per stack as in the
// reference harness (README.md there).
Spec make_hbm2() {
    Spec s;
    s.name = "hbm2";
    Organization& o = s.org;
    o.channels = 8;           // timing_params.csv channels_per_stack
    o.pseudo_channels = 2;    // pseudo_channels_per_channel
    o.sids = 1;               // sid_per_pc
    o.bank_groups = 4;        // bank_groups
    o.banks_per_group = 4;    // banks_per_group
    o.rows = 32768;           // rows_per_bank
    o.columns = 32;           // row_bytes_per_bank 1024 / access_bytes 32
    o.burst_length = 4;       // burst_length (BL4)
    o.bus_bits = 64;          // bus_bits_per_access_unit (one pseudo-channel)
    o.data_rate_mtps = 2000;  // data_rate_MTps
    Timing& t = s.timing;     // all: timing_params.csv, Ramulator2.1 HBM2_2000Mbps row
    t.tck_ps = 1000;
    t.cl = 14;
    t.cwl = 5;
    t.rcd_rd = 14;
    t.rcd_wr = 12;
    t.rp = 14;
    t.ras = 34;
    t.rc = 48;
    t.wr = 16;
    t.rtp = 5;
    t.ccd_s = 2;
    t.ccd_l = 4;
    t.ccd_r = t.ccd_s;  // one SID per pseudo-channel: no other SID (HBM2 has no tCCD_R)
    t.rrd_s = 4;  // 4 ns, resolved by Ramulator from its JEDEC table
    t.rrd_l = 4;
    t.faw = 15;  // 15 ns, per pseudo-channel
    t.wtr_s = 6;
    t.wtr_l = 8;
    // RD→WR: Ramulator's HBM2 constraint "nCL + nBL + 2 − nCWL" = 14 + 2 + 2 − 5 = 13.
    t.rtw = 13;
    t.rfc = 260;
    t.refi = 3900;
    // ACT is a two-cycle command on the row bus (Ramulator hbm2.py command_cycles {"ACT": 2}).
    t.act_cmd_cycles = 2;
    s.energy = hbm2_energy();
    s.area = hbm_area();
    // The reference map (README.md): byte 0–4 | column bit 5 | channel 6–8 | column 9–12 |
    // pseudo-channel 13 | bank group 14–15 | bank 16–17 | row 18+ (Ramulator RoBaRaCoCh with a 64 B
    // channel interleave).
    s.default_map = "RoBaBgPcCo4ChCo1";
    return s;
}

// HBM2E at 3.2 Gb/s/pin (tCK 0.625 ns). Derived here from the HBM2 row above: organisation kept
// (LLMCompass' GA100 config also uses 3.2 Gb/s × 1024 pins per stack, published_numbers.md §3),
// every constraint that Ramulator's HBM2 speed bins keep constant in ns (tCL, tCWL, tRCD, tRP,
// tRAS, tRC, tWR, tRTP, tRRD, tFAW, tWTR, tRFC, tREFI: compare its 1600/2000/2400 Mbps presets)
// converted as ceil(ns / 0.625), the cycle-valued ones (tCCD_S/L, BL) kept in cycles. This is a
// derivation, not a datasheet.
Spec make_hbm2e() {
    Spec s = make_hbm2();
    s.name = "hbm2e";
    s.org.data_rate_mtps = 3200;
    Timing& t = s.timing;
    t.tck_ps = 625;
    t.cl = 23;      // 14 ns / 0.625 = 22.4
    t.cwl = 8;      // 5 ns → 8
    t.rcd_rd = 23;  // 14 ns
    t.rcd_wr = 20;  // 12 ns → 19.2
    t.rp = 23;      // 14 ns
    t.ras = 55;     // 34 ns → 54.4
    t.rc = 78;  // 48 ns → 76.8 → 77, raised to tRAS + tRP = 78 so that tRC ≥ tRAS + tRP holds
    t.wr = 26;  // 16 ns → 25.6
    t.rtp = 8;  // 5 ns
    t.ccd_s = 2;  // cycles
    t.ccd_l = 4;  // cycles
    t.ccd_r = t.ccd_s;  // one SID per pseudo-channel (as HBM2): no tCCD_R
    t.rrd_s = 7;  // 4 ns → 6.4
    t.rrd_l = 7;
    t.faw = 24;     // 15 ns
    t.wtr_s = 10;   // 6 ns → 9.6
    t.wtr_l = 13;   // 8 ns → 12.8
    t.rtw = 19;     // nCL + nBL + 2 − nCWL = 23 + 2 + 2 − 8
    t.rfc = 416;    // 260 ns (kept from the 4 Gb-per-channel HBM2 row)
    t.refi = 6240;  // 3900 ns
    t.act_cmd_cycles = 2;
    return s;
}

// HBM3 6.4 Gb/s: the Ramulator 2.1 row "HBM3_8Gb_8hi + HBM3_6400Mbps" of timing_params.csv
// (16 channels × 2 pseudo-channels × 32 bit, 2 SIDs, BL8, 819.2 GB/s per stack). Ramulator steps
// HBM3 in half-CK ticks; here all commands sit on whole CK cycles.
Spec make_hbm3() {
    Spec s;
    s.name = "hbm3";
    Organization& o = s.org;
    o.channels = 16;
    o.pseudo_channels = 2;
    o.sids = 2;
    o.bank_groups = 4;
    o.banks_per_group = 4;
    o.rows = 8192;
    o.columns = 32;  // 1024 B row / 32 B access
    o.burst_length = 8;
    o.bus_bits = 32;
    o.data_rate_mtps = 6400;
    Timing& t = s.timing;  // timing_params.csv, Ramulator2.1 HBM3_6400Mbps row
    t.tck_ps = 625;
    t.cl = 20;
    t.cwl = 10;
    t.rcd_rd = 31;
    t.rcd_wr = 15;
    t.rp = 26;
    t.ras = 45;
    t.rc = 72;
    t.wr = 33;
    t.rtp = 9;
    t.ccd_s = 2;
    t.ccd_l = 4;
    // RD to RD, other SID of the pseudo-channel: timing_params.csv notes "tCCD_R=3"; Ramulator
    // 2.1 python/ramulator/dram/hbm3.py HBM3_6400Mbps nCCDR = 3, a sibling constraint at the Sid
    // level for RD→RD (some versions of that file also for WR→WR; the one whose preset equals
    // the CSV row has it for reads only, as here).
    t.ccd_r = 3;
    t.rrd_s = 4;
    t.rrd_l = 5;
    t.faw = 24;
    t.wtr_s = 7;
    t.wtr_l = 10;
    t.rtw = 20;     // notes column: "tRTW=20"
    t.rfc = 416;    // 260 ns
    t.refi = 6240;  // 3.9 us
    // Ramulator hbm3.py: ACT is 1.5 CK on the row bus; whole-cycle model: 2.
    t.act_cmd_cycles = 2;
    s.energy = hbm2_energy();
    s.area = hbm_area();
    // Same shape as the HBM2 reference map (64 B channel interleave), with the SID as the top
    // field under the row: consecutive rows of a pseudo-channel fall into other bank groups of the
    // same SID (tCCD_S apart). Ramulator's RoBaRaCoCh puts the SID right above the
    // pseudo-channel (RoBaBgSiPcCo4ChCo1): there consecutive rows alternate SIDs, tCCD_R apart,
    // which holds its HBM3 stream to about 50 % of peak (qasim with that map: 50.5 %; with this
    // one: 66 %).
    s.default_map = "RoSiBaBgPcCo4ChCo1";
    return s;
}

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

const Spec& preset(const std::string& name) {
    static const Spec kHbm2 = make_hbm2();
    static const Spec kHbm2e = make_hbm2e();
    static const Spec kHbm3 = make_hbm3();
    if (name == "hbm2") return kHbm2;
    if (name == "hbm2e") return kHbm2e;
    if (name == "hbm3") return kHbm3;
    throw std::invalid_argument("unknown DRAM preset '" + name +
                                "'; allowed: " + preset_names_text());
}

std::vector<std::string> preset_names() { return {"hbm2", "hbm2e", "hbm3"}; }

std::string preset_names_text() {
    std::string s;
    for (const auto& n : preset_names()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

uint64_t burst_cycles(const Spec& s) {
    // Duration of one burst: burst_length / data_rate; in tCK units.
    const double ps = static_cast<double>(s.org.burst_length) * 1e6 / s.org.data_rate_mtps;
    const double cyc = ps / static_cast<double>(s.timing.tck_ps);
    const double r = std::round(cyc);
    if (r < 1 || std::fabs(cyc - r) > 1e-3 * r) return 0;
    return static_cast<uint64_t>(r);
}

double peak_bandwidth_gbps(const Spec& s, uint64_t stacks) {
    const double pins =
        static_cast<double>(stacks * s.org.channels * s.org.pseudo_channels * s.org.bus_bits);
    return pins * s.org.data_rate_mtps * 1e6 / 8.0 / 1e9;
}

uint64_t capacity_bytes(const Spec& s, uint64_t stacks) { return stacks * s.org.stack_bytes(); }

double stack_fraction(const Spec& s) {
    if (s.area.stack_interface_bits == 0) return 1.0;
    return static_cast<double>(s.org.channels * s.org.pseudo_channels * s.org.bus_bits) /
           static_cast<double>(s.area.stack_interface_bits);
}

std::vector<Problem> check_spec(const Spec& s) {
    std::vector<Problem> p;
    const Organization& o = s.org;
    const Timing& t = s.timing;
    auto need_pow2 = [&](const char* key, uint64_t v, const char* what) {
        if (v == 0)
            p.push_back({key, std::string("must be >= 1 (") + what + "), got 0"});
        else if (!is_pow2(v))
            p.push_back({key, std::string("must be a power of two (") + what +
                                  " are addressed by bit fields), got " + std::to_string(v)});
    };
    need_pow2("channels", o.channels, "channels per stack");
    need_pow2("pseudo_channels", o.pseudo_channels, "pseudo-channels per channel");
    need_pow2("sids", o.sids, "stack IDs per pseudo-channel");
    need_pow2("bank_groups", o.bank_groups, "bank groups per pseudo-channel");
    need_pow2("banks_per_group", o.banks_per_group, "banks per bank group");
    need_pow2("rows", o.rows, "rows per bank");
    need_pow2("columns", o.columns, "bursts per row");
    need_pow2("burst_length", o.burst_length, "beats per burst");
    if (o.bus_bits == 0 || o.bus_bits % 8 != 0 || !is_pow2(o.bus_bits))
        p.push_back({"bus_bits", "must be a power of two >= 8 (bits per pseudo-channel), got " +
                                     std::to_string(o.bus_bits)});
    if (o.banks_per_channel() > 256)
        p.push_back({"banks_per_group",
                     "at most 256 banks per channel are supported (pseudo_channels × sids × "
                     "bank_groups × banks_per_group = " +
                         std::to_string(o.banks_per_channel()) + ")"});
    if (!(o.data_rate_mtps > 0)) p.push_back({"data_rate_mtps", "must be > 0"});
    if (t.tck_ps == 0) p.push_back({"tck_ps", "must be >= 1 ps"});
    if (p.empty() && burst_cycles(s) == 0)
        p.push_back({"burst_length", "a burst of " + std::to_string(o.burst_length) + " beats at " +
                                         std::to_string(static_cast<long long>(o.data_rate_mtps)) +
                                         " MT/s must last a whole number (>= 1) of tCK = " +
                                         std::to_string(t.tck_ps) + " ps"});
    struct Named {
        const char* key;
        uint64_t v;
    };
    for (const Named& n :
         {Named{"tcl_cycles", t.cl}, Named{"tcwl_cycles", t.cwl}, Named{"trcd_rd_cycles", t.rcd_rd},
          Named{"trcd_wr_cycles", t.rcd_wr}, Named{"trp_cycles", t.rp}, Named{"tras_cycles", t.ras},
          Named{"trc_cycles", t.rc}, Named{"tccd_s_cycles", t.ccd_s},
          Named{"tccd_l_cycles", t.ccd_l}, Named{"trefi_cycles", t.refi},
          Named{"trfc_cycles", t.rfc}, Named{"act_cmd_cycles", t.act_cmd_cycles}}) {
        if (n.v == 0) p.push_back({n.key, "must be >= 1 cycle, got 0"});
    }
    if (t.rc < t.ras + t.rp)
        p.push_back({"trc_cycles", "tRC must be >= tRAS + tRP (" + std::to_string(t.ras) + " + " +
                                       std::to_string(t.rp) + " = " + std::to_string(t.ras + t.rp) +
                                       "), got " + std::to_string(t.rc)});
    if (t.ccd_l < t.ccd_s)
        p.push_back({"tccd_l_cycles", "tCCD_L must be >= tCCD_S (" + std::to_string(t.ccd_s) +
                                          "), got " + std::to_string(t.ccd_l)});
    if (t.rrd_l < t.rrd_s)
        p.push_back({"trrd_l_cycles", "tRRD_L must be >= tRRD_S (" + std::to_string(t.rrd_s) +
                                          "), got " + std::to_string(t.rrd_l)});
    if (t.act_cmd_cycles > t.rp || t.act_cmd_cycles > t.rcd_rd || t.act_cmd_cycles > t.rcd_wr)
        p.push_back({"act_cmd_cycles", "must be <= tRP and tRCD (" +
                                           std::to_string(std::min({t.rp, t.rcd_rd, t.rcd_wr})) +
                                           "), got " + std::to_string(t.act_cmd_cycles)});
    if (t.refi != 0 && t.rfc >= t.refi)
        p.push_back({"trfc_cycles", "tRFC must be < tREFI (" + std::to_string(t.refi) + "), got " +
                                        std::to_string(t.rfc)});
    const Energy& e = s.energy;
    for (double v : {e.act_pj, e.read_pj_per_bit, e.write_pj_per_bit, e.io_pj_per_bit, e.refresh_pj,
                     e.background_mw_per_stack}) {
        if (!(v >= 0)) {
            p.push_back({"act_energy_pj", "energies and powers must be >= 0"});
            break;
        }
    }
    return p;
}

double transistor_density_mtr_per_mm2(int node_nm) {
    // PrincetonUniversity/ttm-cas@d98ac05:supply_chain_model.py `transistor_density_arr`, used by
    // LLMCompass cost_model.py (published_numbers.md §1d): MTr/mm² per node.
    static const double kNodes[] = {5, 7, 10, 14, 20, 28, 40, 65, 90};
    static const double kDensity[] = {138.2, 96.3, 52.5, 28.9, 22.1, 15.3, 7.7, 3.3, 1.6};
    const int n = static_cast<int>(sizeof(kNodes) / sizeof(kNodes[0]));
    const double x = static_cast<double>(node_nm);
    if (x <= kNodes[0]) return kDensity[0];
    if (x >= kNodes[n - 1]) return kDensity[n - 1];
    for (int i = 0; i + 1 < n; ++i) {
        if (x <= kNodes[i + 1]) {
            // log-log interpolation between neighbouring table nodes (e.g. 16 nm, 45 nm).
            const double f = std::log(x / kNodes[i]) / std::log(kNodes[i + 1] / kNodes[i]);
            return std::exp(std::log(kDensity[i]) +
                            f * (std::log(kDensity[i + 1]) - std::log(kDensity[i])));
        }
    }
    return kDensity[n - 1];
}

double controller_area_mm2(const StackArea& a, int node_nm) {
    return a.controller_mtr / transistor_density_mtr_per_mm2(node_nm);
}

}  // namespace qasim::models::dram

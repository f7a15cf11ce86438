#include "models/dram/address_map.h"

#include <cctype>

namespace qasim::models::dram {
namespace {

struct FieldName {
    const char* code;
    AddressMap::Field field;
    const char* what;
};
constexpr FieldName kFields[] = {
    {"Ro", AddressMap::Field::row, "row"},
    {"Ba", AddressMap::Field::bank, "bank"},
    {"Bg", AddressMap::Field::bank_group, "bank group"},
    {"Si", AddressMap::Field::sid, "stack ID"},
    {"Pc", AddressMap::Field::pc, "pseudo-channel"},
    {"Ch", AddressMap::Field::channel, "channel"},
    {"Co", AddressMap::Field::column, "column"},
};

uint32_t log2u(uint64_t v) {
    uint32_t b = 0;
    while ((1ull << b) < v) ++b;
    return b;
}

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

std::string address_map_syntax() {
    return "fields most significant first: Ro (row), Ba (bank), Bg (bank group), Si (stack ID), "
           "Pc (pseudo-channel), Ch (channel), Co (column), each with an optional bit count to "
           "split it "
           "(e.g. RoBaBgPcCo4ChCo1)";
}

bool AddressMap::parse(const std::string& text, const Organization& org, uint64_t stacks,
                       std::string* error) {
    auto fail = [&](const std::string& msg) {
        *error = "address map '" + text + "': " + msg;
        return false;
    };
    struct Tok {
        int field;
        bool has_count;
        uint32_t count;
    };
    std::vector<Tok> toks;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == ' ' || c == '-' || c == '_' || c == '|') {
            ++i;
            continue;
        }
        if (i + 1 >= text.size())
            return fail("unexpected '" + text.substr(i) + "' at the end; " + address_map_syntax());
        const std::string code = text.substr(i, 2);
        int f = -1;
        for (int k = 0; k < 7; ++k)
            if (code == kFields[k].code) f = k;
        if (f < 0)
            return fail("unknown field '" + code + "' at position " + std::to_string(i + 1) + "; " +
                        address_map_syntax());
        i += 2;
        Tok t{f, false, 0};
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            t.has_count = true;
            t.count = t.count * 10 + static_cast<uint32_t>(text[i] - '0');
            if (t.count > 64) return fail("bit count of " + code + " too large");
            ++i;
        }
        toks.push_back(t);
    }
    if (toks.empty()) return fail("empty; " + address_map_syntax());

    const uint64_t total_channels = org.channels * stacks;
    if (!is_pow2(total_channels))
        return fail("channels × stacks = " + std::to_string(total_channels) +
                    " is not a power of two");
    const uint64_t counts[7] = {org.rows,   org.banks_per_group, org.bank_groups,
                                org.sids,   org.pseudo_channels, total_channels,
                                org.columns};
    uint32_t need[7];
    for (int k = 0; k < 7; ++k) {
        if (!is_pow2(counts[k]))
            return fail(std::string(kFields[k].what) + " count " + std::to_string(counts[k]) +
                        " is not a power of two");
        need[k] = log2u(counts[k]);
    }
    // Resolve the bits of every occurrence.
    for (int k = 0; k < 7; ++k) {
        uint32_t explicit_sum = 0;
        int without = 0, present = 0;
        for (const Tok& t : toks) {
            if (t.field != k) continue;
            ++present;
            if (t.has_count)
                explicit_sum += t.count;
            else
                ++without;
        }
        const std::string name = std::string(kFields[k].code) + " (" + kFields[k].what + ")";
        if (present == 0) {
            if (need[k] > 0)
                return fail("no " + name + " field, but " + std::to_string(counts[k]) + " " +
                            kFields[k].what + (counts[k] == 1 ? "" : "s") + " need " +
                            std::to_string(need[k]) + " address bit" + (need[k] == 1 ? "" : "s") +
                            "; " + address_map_syntax());
            continue;
        }
        if (without > 1)
            return fail(name + " appears " + std::to_string(present) + " times and " +
                        std::to_string(without) +
                        " of them have no bit count; give counts to all but one");
        if (without == 1) {
            if (explicit_sum > need[k])
                return fail(name + " bit counts add up to " + std::to_string(explicit_sum) +
                            " but the organisation has " + std::to_string(need[k]) + " " +
                            kFields[k].what + " bits");
            for (Tok& t : toks)
                if (t.field == k && !t.has_count) {
                    t.count = need[k] - explicit_sum;
                    t.has_count = true;
                }
        } else if (explicit_sum != need[k]) {
            return fail(name + " bit counts add up to " + std::to_string(explicit_sum) + " but " +
                        std::to_string(counts[k]) + " " + kFields[k].what + "s need " +
                        std::to_string(need[k]) + " bits");
        }
    }
    m_segments.clear();
    m_offset_bits = log2u(org.burst_bytes());
    uint32_t pos = m_offset_bits;
    uint32_t filled[7] = {0, 0, 0, 0, 0, 0, 0};
    for (auto it = toks.rbegin(); it != toks.rend(); ++it) {
        if (it->count == 0) continue;
        Segment s;
        s.field = kFields[it->field].field;
        s.bits = it->count;
        s.addr_lsb = pos;
        s.field_lsb = filled[it->field];
        s.mask = (1ull << s.bits) - 1;
        filled[it->field] += s.bits;
        pos += s.bits;
        m_segments.push_back(s);
    }
    if (pos > 63)
        return fail("the fields use " + std::to_string(pos) +
                    " address bits; at most 63 are supported");
    m_mapped_bits = pos;
    m_text = text;
    error->clear();
    return true;
}

uint64_t AddressMap::encode(const Location& l) const {
    const uint32_t v[7] = {l.row, l.bank, l.bank_group, l.sid, l.pc, l.channel, l.column};
    uint64_t a = 0;
    for (const Segment& s : m_segments)
        a |= ((static_cast<uint64_t>(v[static_cast<int>(s.field)]) >> s.field_lsb) & s.mask)
             << s.addr_lsb;
    return a;
}

std::string AddressMap::describe() const {
    std::string s = "byte 0-" + std::to_string(m_offset_bits == 0 ? 0 : m_offset_bits - 1);
    for (const Segment& g : m_segments) {
        s += " | ";
        s += kFields[static_cast<int>(g.field)].code;
        s += " " + std::to_string(g.addr_lsb);
        if (g.bits > 1) s += "-" + std::to_string(g.addr_lsb + g.bits - 1);
    }
    return s;
}

}  // namespace qasim::models::dram

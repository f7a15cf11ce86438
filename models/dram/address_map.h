#pragma once
// Address mapping: byte address → (channel, pseudo-channel, SID, bank group, bank, row, column).
//
// Syntax: a string of fields, most significant first, lowest bits last, e.g. `RoBaBgCoPcCh`:
//   Ro row · Ba bank (in its group) · Bg bank group · Si stack ID (SID) · Pc pseudo-channel ·
//   Ch channel (all channels of all stacks) · Co column (in bursts).
// Each field may carry a bit count (`Co4`); a field may then appear several times, which splits it:
// the first occurrence holds the field's most significant bits. One occurrence of a split field
// may omit its count and takes the remaining bits. A field whose count is 1 (e.g. Si with one SID)
// may be left out. Under the lowest field sits the byte offset inside a burst (log2 burst bytes,
// implicit). Separators ' ', '-', '_' and '|' are ignored.
// Bits above the highest field are ignored (the address wraps around the capacity).
//
// Example, the HBM2 reference map of ../shared/reference/dram/README.md (32 B bursts):
//   `RoBaBgPcCo4ChCo1` = byte 0–4 | column bit 5 | channel 6–8 | column 9–12 | pseudo-channel 13 |
//   bank group 14–15 | bank 16–17 | row 18–32. (The README counts columns in 8 B units: its
//   "byte 0–2 | column 3–5" is the same as "byte 0–4 | column 5" here.)
#include <cstdint>
#include <string>
#include <vector>

#include "models/dram/dram_spec.h"

namespace qasim::models::dram {

/// One decoded address. `channel` counts over all stacks.
struct Location {
    uint32_t channel = 0;
    uint32_t pc = 0;
    uint32_t sid = 0;
    uint32_t bank_group = 0;
    uint32_t bank = 0;
    uint32_t row = 0;
    uint32_t column = 0;
};

class AddressMap {
public:
    enum class Field : uint8_t { row, bank, bank_group, sid, pc, channel, column };

    /// Parses `text` for the organisation `org` with `stacks` stacks. Returns false and sets
    /// `*error` (a sentence naming the problem and the syntax) if the string is malformed or does
    /// not cover exactly the address bits of the organisation.
    bool parse(const std::string& text, const Organization& org, uint64_t stacks,
               std::string* error);

    Location decode(uint64_t addr) const {
        uint32_t v[7] = {0, 0, 0, 0, 0, 0, 0};
        for (const Segment& s : m_segments)
            v[static_cast<int>(s.field)] |= static_cast<uint32_t>((addr >> s.addr_lsb) & s.mask)
                                            << s.field_lsb;
        Location l;
        l.row = v[0];
        l.bank = v[1];
        l.bank_group = v[2];
        l.sid = v[3];
        l.pc = v[4];
        l.channel = v[5];
        l.column = v[6];
        return l;
    }
    /// Inverse of decode (burst offset 0), for tests and trace generators.
    uint64_t encode(const Location& l) const;
    /// Bits of the address that select a byte (offset + all fields).
    uint32_t mapped_bits() const { return m_mapped_bits; }
    /// Human-readable bit ranges, e.g. "byte 0-4 | Co 5 | Ch 6-8 | Co 9-12 | Pc 13 | ...".
    std::string describe() const;
    const std::string& text() const { return m_text; }

private:
    struct Segment {
        Field field;
        uint32_t bits;
        uint32_t addr_lsb;   ///< lowest address bit of this segment
        uint32_t field_lsb;  ///< lowest bit of the field that this segment holds
        uint64_t mask;
    };
    std::vector<Segment> m_segments;
    uint32_t m_offset_bits = 0;
    uint32_t m_mapped_bits = 0;
    std::string m_text;
};

/// "Ro Ba Bg Si Pc Ch Co" field names and the syntax, for error messages.
std::string address_map_syntax();

}  // namespace qasim::models::dram

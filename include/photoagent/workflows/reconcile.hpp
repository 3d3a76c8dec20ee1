#pragma once
// Deciding whether a prediction or training listed by Replicate is the one an
// ambiguous create of ours made (DESIGN §10). Only the input counts: the
// model comes back under internal names and the version as the one that
// served it, so neither is compared. Fields that held a data URI or a file
// may come back as the URL of a stored copy: those count by presence.

#include <string>
#include <vector>

namespace photoagent::workflows {

enum class InputMatch {
  none,         // a different input
  exact,        // every field equal (data URIs by their digest)
  by_presence,  // equal but for file fields that now hold another URL
  removed,      // Replicate removed the input (after an hour): undecidable
};

// `ours`: the canonical input we stored (data URIs as "data:sha256,HEX",
// secrets "[redacted]"); `remote`: the input JSON Replicate lists.
InputMatch match_input(const std::string& ours, const std::string& remote, bool data_removed);

// What a search through the listed candidates concluded.
enum class Verdict { found, not_found, unknown };
struct Candidate {
  std::string id;
  InputMatch match = InputMatch::none;
};
// found: one exact match (the first), or the only match by presence;
// unknown: several matches by presence, or an input removed (ours may be
// among them); not_found: nothing could be ours. `chosen` gets the id.
Verdict decide(const std::vector<Candidate>& candidates, std::string& chosen);

}  // namespace photoagent::workflows

// The emulator's context object: config, counters, fault rules and state,
// under one mutex. Passed to every handler instead of globals.
#pragma once

#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "state.hpp"
#include "util.hpp"

namespace fakecloud {

// A fault rule as configured, plus how often it has fired.
struct FaultRule {
  json spec;
  std::vector<std::string> routes;  // "POST /v1/predictions", "*", "GET /_delivery/*", ...
  std::string kind;   // status | drop | drop_after | hold | slow | truncate | corrupt | expire
  double rate = 1.0;
  long remaining = -1;  // -1: unlimited (rate only); else fires for the next N matches
  long skip = 0;        // matches to let through before the rule may fire
  long hits = 0;
};

struct Counters {
  std::map<std::string, long> named;  // predictions_created, emails_sent, ...
  std::map<std::string, long> by_route;
  std::map<std::string, long> by_status;
  std::map<std::string, long> faults_by_kind;
  // route -> lower-case header name -> requests that carried it more than once
  std::map<std::string, std::map<std::string, long>> repeated_headers;
  // token name (replicate_token, ...) -> service the request went to -> requests
  // whose target, headers or body carried it (secrets audit: each token only to its own).
  std::map<std::string, std::map<std::string, long>> token_sightings;
};

struct App {
  std::mutex mu;
  json config;          // current config (defaults + flags + /_fake/config merges)
  json initial_config;  // what /_fake/reset returns to
  std::string bound_origin;
  bool verbose = false;
  Counters counters;
  std::vector<FaultRule> faults;
  State state;
  std::mt19937_64 rng{1};

  // Helpers; the caller holds mu.
  long cfg_long(const char* key, long def) const;
  double cfg_double(const char* key, double def) const;
  bool cfg_bool(const char* key, bool def) const;
  std::string cfg_str(const char* key, const std::string& def) const;
  void bump(const std::string& counter, long by = 1) { counters.named[counter] += by; }
};

// config.cpp
json default_config();
// Merges a patch into the config (RFC 7386) and rebuilds the fault rules.
// Returns an error message when the patch is malformed.
std::string apply_config_patch(App& app, const json& patch);
void reset_state(App& app);  // back to seeds, initial config and zero counters

// seeds.cpp
void seed_models(App& app);

}  // namespace fakecloud

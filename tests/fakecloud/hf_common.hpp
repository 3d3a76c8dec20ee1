// Shared Hugging Face helpers: repo lookup with the Hub's access rules,
// revisions, commits. Every function expects the caller to hold App::mu.
#pragma once

#include <string>

#include "router.hpp"

namespace fakecloud {

std::string hf_user(const App& app);
// Namespace the token may write to (the user, or one of hf_orgs), with a write
// role; a fine-grained token (hf_token_role "fineGrained") only where its
// hf_token_scoped list grants repo.write on that user or org.
bool hf_can_write(const App& app, const std::string& ns);
// hf_can_write on the namespace, or a fine-grained grant on that one repo.
bool hf_can_write_repo(const App& app, const std::string& repo_id);
// The fine-grained grants as whoami-v2 shows them (entity with an _id).
json hf_token_scoped(const App& app);

// Public Hub models that exist without anyone creating them (FLUX, SD3), as
// model info; nullptr for others.
const json* hf_catalog_model(const std::string& id);
// inferenceProviderMapping of a model (object keyed by provider, as model
// info answers it): the catalog's providers, plus hf-inference when the
// model is in `hf_inference_models`.
json hf_provider_mapping(const App& app, const std::string& id);
bool hf_inference_serves(const App& app, const std::string& id);
// Finds ns/name; writes the Hub's 401/403/404 answer and returns nullptr when
// the caller may not read (or, with `write`, write) it.
HfRepo* hf_repo_access(Ctx& c, const std::string& ns, const std::string& name, bool write);
// "main", a full commit oid, or an unambiguous oid prefix (7+ chars).
const HfCommit* hf_rev(const HfRepo& repo, const std::string& rev);
// The Hub's default .gitattributes, which also decides LFS vs regular.
const std::string& hf_default_gitattributes();
bool hf_wants_lfs(const std::string& path, size_t size, const std::string& sample);
HfBlob hf_make_blob(std::string bytes, bool lfs);
std::string hf_repo_url(const Ctx& c, const HfRepo& repo);

}  // namespace fakecloud

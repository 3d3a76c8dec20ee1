#include "command_table.hpp"

#include "commands/cache.hpp"
#include "commands/config.hpp"
#include "commands/generate.hpp"
#include "commands/images.hpp"
#include "commands/login.hpp"
#include "commands/project.hpp"
#include "commands/search.hpp"
#include "commands/status.hpp"
#include "commands/train.hpp"
#include "commands/upload.hpp"
#include "version.hpp"

namespace photoagent::cli {
namespace {

constexpr const char* kRootFooter = R"(Examples:
  photoagent login --replicate
  photoagent project create ada --kind person --trigger TOK_ADA
  photoagent upload ada ~/photos/ada/
  photoagent train ada --notify me@example.com --hf-repo me/ada-lora
  photoagent generate ada "on a sailboat at golden hour" --style headshot -n 4 -o out/

Exit codes:
  0 ok  1 error  2 usage  3 not found  4 auth  5 remote service
  6 partial failure  8 still running  130 interrupted  143 terminated

Environment:
  REPLICATE_API_TOKEN, HF_TOKEN, SENDGRID_API_KEY   secrets (win over stored ones)
  PHOTOAGENT_PROFILE, PHOTOAGENT_PROJECT            profile and default project
  PHOTOAGENT_HOME, PHOTOAGENT_CONFIG_DIR            data and config folders (XDG by default)
  REPLICATE_API_BASE_URL, HF_ENDPOINT, SENDGRID_API_BASE_URL   service addresses
  PHOTOAGENT_HF_INFERENCE_URL                       Hugging Face inference host
  HF_HOME, HF_TOKEN_PATH                            the hf CLI's token file (a fallback)
  PHOTOAGENT_RETRIES                                retries of a failed request (default 5)
  HTTPS_PROXY, NO_PROXY                             proxy for https (plain http is never proxied)
  SSL_CERT_FILE, CURL_CA_BUNDLE                     CA bundle to trust instead of the system's
  NO_COLOR, CLICOLOR, CLICOLOR_FORCE, PHOTOAGENT_FORCE_TTY   output style
  CI                                                hints name environment variables, not login)";

void append(std::vector<CommandSpec>& all, std::vector<CommandSpec> more) {
  for (auto& c : more) all.push_back(std::move(c));
}

}  // namespace

ProgramSpec program_spec(GlobalOptions& global) {
  ProgramSpec p;
  p.name = "photoagent";
  p.version = "photoagent " PHOTOAGENT_VERSION;
  if (const std::string describe = git_describe(); !describe.empty()) p.version += " (git " + describe + ")";
  p.root.description = "photoagent: train a personal Flux LoRA on Replicate and generate photos from a terminal";
  p.root.footer = kRootFooter;
  p.root.add("--json", global.json, "Machine-readable output on stdout");
  p.root.add("--debug", global.debug, "Trace HTTP on stderr (secrets redacted)");
  p.root.add("-q,--quiet", global.quiet, "Only results and errors");
  p.root.add("--profile", global.profile, "Use a named profile (own credentials and config)");

  // The order of `photoagent --help`.
  append(p.commands, login_commands());
  append(p.commands, project_commands());
  append(p.commands, images_commands());
  p.commands.push_back(upload_command());
  append(p.commands, train_commands());
  p.commands.push_back(status_command());
  p.commands.push_back(generate_command());
  p.commands.push_back(search_command());
  append(p.commands, cache_commands());
  p.commands.push_back(config_command());
  return p;
}

}  // namespace photoagent::cli

#include "login.hpp"

#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/prompt.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/redact.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/login.hpp"

namespace photoagent::cli {
using nlohmann::json;
using services::Service;

namespace {

constexpr Service kAll[] = {Service::replicate, Service::huggingface, Service::sendgrid};

const char* key_of(Service s) {
  return s == Service::replicate ? "replicate" : s == Service::huggingface ? "huggingface" : "sendgrid";
}

const char* token_page(Service s) {
  switch (s) {
    case Service::replicate: return "https://replicate.com/account/api-tokens";
    case Service::huggingface:
      return "https://huggingface.co/settings/tokens (a write token, or fine-grained with repo.write on your namespace)";
    case Service::sendgrid: return "https://app.sendgrid.com/settings/api_keys (Mail Send access)";
  }
  return "";
}

constexpr std::size_t kMaxTokenBytes = 64 * 1024;

std::string read_secret(Context& ctx, Service s, bool with_token) {
  std::string secret;
  if (with_token) {
    // Read at most kMaxTokenBytes (+1 to notice more): a stray file piped in
    // must not be read into memory whole.
    std::string piped(kMaxTokenBytes + 1, '\0');
    ctx.io.in.read(piped.data(), static_cast<std::streamsize>(piped.size()));
    piped.resize(static_cast<std::size_t>(ctx.io.in.gcount()));
    if (piped.size() > kMaxTokenBytes)
      throw util::usage_error("--with-token read more than " + std::to_string(kMaxTokenBytes / 1024) +
                              " KiB from standard input; a token is much shorter",
                              "Pipe in only the token: printf %s \"$TOKEN\" | photoagent login " +
                                  std::string(services::login_flag(s)) + " --with-token");
    secret = util::trim(piped);
    if (secret.empty()) throw util::usage_error("--with-token read nothing from standard input");
  } else if (ctx.io.can_prompt()) {
    ctx.io.err << "Create a token at " << token_page(s) << "\n";
    secret = prompt_secret(ctx.io, "Paste your " + std::string(services::display_name(s)) + " token: ");
    if (secret.empty()) throw util::usage_error("no token entered");
  } else {
    throw util::usage_error("no terminal to ask for the token",
                            "Pipe it in: printf %s \"$TOKEN\" | photoagent login " +
                                std::string(services::login_flag(s)) + " --with-token");
  }
  if (secret.find_first_of(" \t\r\n") != std::string::npos)
    throw util::usage_error("the token contains white space; paste only the token");
  // Tokens are printable ASCII; anything else would go into an HTTP header.
  for (unsigned char c : secret)
    if (c < 0x21 || c > 0x7E) throw util::usage_error("the token contains a character that no token has; paste only the token");
  return secret;
}

workflows::MailAddresses mail_addresses(Context& ctx, const LoginOptions& o) {
  workflows::MailAddresses m{o.from, o.to};
  if (m.from.empty()) m.from = ctx.config().get_or_default("sendgrid.from");
  if (m.from.empty() && ctx.io.can_prompt())
    m.from = prompt_line(ctx.io, "Sender address (a verified SendGrid sender): ");
  if (m.from.empty())
    throw util::usage_error("SendGrid needs a sender address", "Pass --from you@example.com (a verified sender).");
  if (m.to.empty()) m.to = ctx.config().get_or_default("sendgrid.to");
  if (m.to.empty()) m.to = m.from;
  for (const auto& a : {m.from, m.to})
    if (!workflows::plausible_email(a)) throw util::usage_error("'" + util::excerpt(a) + "' is not an email address");
  return m;
}

void report_login(Context& ctx, Service s, const workflows::Verified& v, const std::string& where) {
  if (!v.warning.empty()) warn(ctx.io, v.warning);
  if (ctx.global.json) {
    print_json(ctx.io, {{"service", key_of(s)}, {"account", v.account}, {"detail", v.detail}, {"saved_to", where}});
  } else if (!ctx.global.quiet) {
    // Account names and roles are the service's words (util::printable).
    ctx.io.err << green(ctx.io, "\u2713") << " Logged in to " << services::display_name(s) << " as "
               << bold(ctx.io, util::printable_line(v.account))
               << (v.detail.empty() ? "" : " (" + util::printable_line(v.detail) + ")") << "\n"
               << "  " << where << "\n";
  }
}

int login_one(Context& ctx, Service s, const LoginOptions& o) {
  auto& creds = ctx.credentials();
  auto existing = creds.find(s);
  // The variable that is set ("env HUGGING_FACE_HUB_TOKEN" names the legacy one).
  const std::string var = existing && existing->from_env ? existing->source.substr(existing->source.find(' ') + 1)
                                                         : std::string(services::token_env_var(s));
  if (existing && existing->from_env) {
    // The environment would win over anything stored, so storing would mislead.
    if (s != Service::sendgrid || (o.from.empty() && o.to.empty()))
      throw util::failure(var + " is set in the environment and takes precedence over a stored token",
                          "Unset it to store a token with 'photoagent login', or keep using it.");
    auto mail = mail_addresses(ctx, o);
    auto v = workflows::verify_credential(ctx.http({existing->secret}), s, existing->secret, mail);
    ctx.config().set("sendgrid.from", mail.from);
    ctx.config().set("sendgrid.to", mail.to);
    report_login(ctx, s, v, "using " + var + " from the environment; sender and recipient saved to " +
                                ctx.config().file().string());
    return 0;
  }
  workflows::MailAddresses mail;
  if (s == Service::sendgrid) mail = mail_addresses(ctx, o);
  const std::string secret = read_secret(ctx, s, o.with_token);
  auto v = workflows::verify_credential(ctx.http({secret}), s, secret, mail);
  creds.save(s, secret, v.account);
  if (s == Service::sendgrid) {
    ctx.config().set("sendgrid.from", mail.from);
    ctx.config().set("sendgrid.to", mail.to);
  }
  report_login(ctx, s, v, "token saved to " + creds.file().string());
  return 0;
}

int login_status(Context& ctx, const LoginOptions& o) {
  json rows = json::array();
  int worst = 0;
  Table table({"service", "status", "account", "source", "token"});
  for (Service s : kAll) {
    json row = {{"service", key_of(s)}, {"configured", false}, {"source", nullptr}, {"location", nullptr},
                {"account", nullptr}, {"valid", nullptr}, {"token", nullptr}, {"error", nullptr}};
    std::string status = "not configured", source_text, secret;
    try {
      if (auto c = ctx.credentials().find(s)) {
        secret = c->secret;
        row["configured"] = true;
        row["source"] = c->from_env ? "env" : "file";
        row["location"] = c->source.substr(c->source.find(' ') + 1);
        row["token"] = util::mask_token(c->secret);
        source_text = c->source;
        if (!c->account.empty()) row["account"] = util::printable_line(c->account);
        status = "configured";
        if (!o.offline) {
          workflows::MailAddresses mail{ctx.config().get_or_default("sendgrid.from"),
                                        ctx.config().get_or_default("sendgrid.to")};
          auto v = workflows::verify_credential(ctx.http({c->secret}), s, c->secret, mail);
          row["account"] = util::printable_line(v.account);
          row["valid"] = true;
          status = green(ctx.io, "\u2713 logged in");
        }
      }
    } catch (const util::Error& e) {
      row["valid"] = false;
      // The service's answer may echo the token or carry escape sequences.
      const std::string message = util::printable_line(e.message(), {secret});
      row["error"] = message;
      status = red(ctx.io, "\u2717 ") + message;
      worst = std::max(worst, e.exit_code());
    }
    table.add({std::string(services::display_name(s)), status,
               row["account"].is_string() ? row["account"].get<std::string>() : "", source_text,
               row["token"].is_string() ? row["token"].get<std::string>() : ""});
    rows.push_back(std::move(row));
  }
  if (ctx.global.json) print_json(ctx.io, rows);
  else table.print(ctx.io);
  return worst;
}

}  // namespace

int run_login(Context& ctx, const LoginOptions& o) {
  if (o.status) return login_status(ctx, o);
  std::vector<Service> chosen;
  if (o.replicate) chosen.push_back(Service::replicate);
  if (o.huggingface) chosen.push_back(Service::huggingface);
  if (o.sendgrid) chosen.push_back(Service::sendgrid);
  if (chosen.empty())
    throw util::usage_error("choose the service to log in to",
                            "Use 'photoagent login --replicate', '--huggingface' or '--sendgrid'; "
                            "'photoagent login --status' shows where you stand.");
  if (chosen.size() > 1 && o.with_token)
    throw util::usage_error("--with-token reads one secret, so name one service");
  if (!o.sendgrid && (!o.from.empty() || !o.to.empty()))
    throw util::usage_error("--from and --to go with --sendgrid");
  for (Service s : chosen) login_one(ctx, s, o);
  return 0;
}

int run_logout(Context& ctx, const LogoutOptions& o) {
  std::vector<Service> chosen;
  if (o.replicate) chosen.push_back(Service::replicate);
  if (o.huggingface) chosen.push_back(Service::huggingface);
  if (o.sendgrid) chosen.push_back(Service::sendgrid);
  if (chosen.empty()) chosen.assign(std::begin(kAll), std::end(kAll));
  json removed = json::array();
  for (Service s : chosen) {
    if (ctx.credentials().remove(s)) removed.push_back(key_of(s));
    if (auto c = ctx.credentials().find(s); c && c->from_env)
      warn(ctx.io, c->source.substr(c->source.find(' ') + 1) + " is still set, so " +
                       std::string(services::display_name(s)) + " stays logged in through the environment");
  }
  if (ctx.global.json) {
    print_json(ctx.io, {{"removed", removed}});
  } else if (!ctx.global.quiet) {
    if (removed.empty()) ctx.io.err << "No stored credentials to remove.\n";
    for (const auto& r : removed) ctx.io.err << "Removed the stored " << r.get<std::string>() << " credentials.\n";
    if (!removed.empty()) ctx.io.err << "The tokens themselves still work; revoke them on the services' sites.\n";
  }
  return 0;
}


std::vector<CommandSpec> login_commands() {
  auto in = std::make_shared<LoginOptions>();
  CommandSpec login;
  login.path = {"login"};
  login.man = "photoagent-login";
  login.description = "Store and verify a Replicate, Hugging Face or SendGrid secret";
  login.footer = R"(Examples:
  photoagent login --replicate                     # asks for the token (no echo)
  printf %s "$HF_TOKEN" | photoagent login --huggingface --with-token
  photoagent login --sendgrid --from me@example.com --to me@example.com
  photoagent login --status --json

The secret is checked with the service before it is saved to credentials.json
(mode 0600). Tokens in REPLICATE_API_TOKEN, HF_TOKEN, SENDGRID_API_KEY win
over stored ones. A secret is never accepted as a command-line argument.)";
  login.add("--replicate", in->replicate, "Log in to Replicate (training and generation)");
  login.add("--huggingface", in->huggingface, "Log in to Hugging Face (where LoRA weights are kept)");
  login.add("--sendgrid", in->sendgrid, "Log in to SendGrid (completion emails)");
  login.add("--with-token", in->with_token, "Read the secret from standard input");
  login.add("--from", in->from, "SendGrid: sender address (a verified sender)");
  login.add("--to", in->to, "SendGrid: default recipient (default: the sender)");
  login.add("--status", in->status, "Show each service: configured, source, account, valid");
  login.add("--offline", in->offline, "With --status: do not contact the services");
  login.run = [in](Context& ctx) { return run_login(ctx, *in); };

  auto out = std::make_shared<LogoutOptions>();
  CommandSpec logout;
  logout.path = {"logout"};
  logout.man = "photoagent-login";
  logout.description = "Remove stored secrets (all, or the services named)";
  logout.footer = R"(Examples:
  photoagent logout --replicate
  photoagent logout          # every service

This removes the local copy only; revoke a token on the service's site.)";
  logout.add("--replicate", out->replicate, "Remove the Replicate token");
  logout.add("--huggingface", out->huggingface, "Remove the Hugging Face token");
  logout.add("--sendgrid", out->sendgrid, "Remove the SendGrid key");
  logout.run = [out](Context& ctx) { return run_logout(ctx, *out); };
  return {std::move(login), std::move(logout)};
}

}  // namespace photoagent::cli

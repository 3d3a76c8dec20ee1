#include "config.hpp"

#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::cli {
using nlohmann::json;

int run_config(Context& ctx, const ConfigOptions& o) {
  auto& cfg = ctx.config();
  if (o.verb == "path") {
    const json paths = {{"profile", ctx.profile()},
                        {"config", cfg.file().string()},
                        {"credentials", ctx.credentials().file().string()},
                        {"data", util::data_home().string()},
                        {"database", (util::data_home() / "photoagent.db").string()}};
    if (ctx.global.json) {
      print_json(ctx.io, paths);
    } else {
      for (auto it = paths.begin(); it != paths.end(); ++it)
        ctx.io.out << it.key() << "\t" << it->get<std::string>() << "\n";
    }
    return 0;
  }
  if (o.verb == "get") {
    auto v = cfg.get(o.key);
    std::string value = v ? *v : cfg.get_or_default(o.key);
    if (!v && value.empty()) throw util::not_found("'" + util::excerpt(o.key) + "' is not set");
    if (ctx.global.json) print_json(ctx.io, {{"key", o.key}, {"value", value}});
    else ctx.io.out << value << "\n";
    return 0;
  }
  if (o.verb == "set") {
    cfg.set(o.key, o.value);
    if (ctx.global.json) print_json(ctx.io, {{"key", o.key}, {"value", o.value}});
    return 0;
  }
  if (o.verb == "unset") {
    if (!cfg.unset(o.key)) throw util::not_found("'" + util::excerpt(o.key) + "' is not set");
    return 0;
  }
  // list
  json out = json::object();
  Table t = o.all ? Table({"key", "value", "description"}) : Table({"key", "value"});
  if (o.all) {
    for (const auto& k : workflows::config_keys()) {
      auto v = cfg.get(k.name);
      out[k.name] = v ? *v : k.default_value;
      t.add({k.name, v ? *v : k.default_value, k.description});
    }
  } else {
    for (const auto& [k, v] : cfg.entries()) {
      out[k] = v;
      t.add({k, v});
    }
  }
  if (ctx.global.json) print_json(ctx.io, out);
  else t.print(ctx.io);
  return 0;
}


namespace {

// get, set and unset name a key; set also takes a value.
void check(const ConfigOptions& o) {
  const bool needs_key = o.verb == "get" || o.verb == "set" || o.verb == "unset";
  if (needs_key && o.key.empty()) throw util::usage_error("config " + o.verb + " needs a KEY");
  if (o.verb == "set" && o.value.empty()) throw util::usage_error("config set needs a VALUE");
}

}  // namespace

CommandSpec config_command() {
  auto o = std::make_shared<ConfigOptions>();
  CommandSpec c;
  c.path = {"config"};
  c.man = "photoagent-config";
  c.description = "Read and change settings";
  c.footer = R"(Examples:
  photoagent config list --all
  photoagent config set sendgrid.to me@example.com
  photoagent config path)";
  c.add("verb", o->verb, "get, set, unset, list or path").mandatory().one_of({"get", "set", "unset", "list", "path"});
  c.add("key", o->key, "Setting name");
  c.add("value", o->value, "New value (set)");
  c.add("--all", o->all, "list: every known key with its default and meaning");
  c.run = [o](Context& ctx) {
    check(*o);
    return run_config(ctx, *o);
  };
  return c;
}

}  // namespace photoagent::cli

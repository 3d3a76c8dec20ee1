#include "photoagent/workflows/output_names.hpp"

#include <array>

#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::workflows {

namespace {

constexpr std::size_t kValueBytes = 80, kNameBytes = 200;
constexpr std::array<std::string_view, 6> kPlaceholders = {"project", "style", "seed", "key", "n", "date"};

// Cut at `max` bytes without splitting a UTF-8 sequence.
std::string cut(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// The template without a trailing image extension (the format decides it).
std::string_view body(std::string_view t) {
  for (std::string_view ext : {".png", ".jpg", ".jpeg", ".webp"})
    if (t.size() > ext.size() && util::to_lower(std::string(t.substr(t.size() - ext.size()))) == ext)
      return t.substr(0, t.size() - ext.size());
  return t;
}

}  // namespace

void check_name_template(const std::string& t) {
  auto refuse = [&](const std::string& why) {
    throw util::usage_error("--name '" + cut(t, 80) + "': " + why,
                            "Placeholders: {project}, {style}, {seed}, {key}, {n}, {date}; e.g. --name "
                            "\"{project}-{style}-{seed}-{n}\"");
  };
  if (body(t).empty()) refuse("the name is empty");
  if (t.size() > kNameBytes) refuse("longer than " + std::to_string(kNameBytes) + " bytes");
  if (t.front() == '.') refuse("a name may not start with a dot");
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '/' || c == '\\') refuse("it names a file, not a folder (choose the folder with -o)");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) refuse("control characters are not allowed");
    if (c == '}') refuse("'}' without '{'");
    if (c != '{') continue;
    const auto close = t.find('}', i);
    if (close == std::string::npos) refuse("'{' without '}'");
    const std::string_view name(t.data() + i + 1, close - i - 1);
    bool known = false;
    for (auto p : kPlaceholders) known = known || p == name;
    if (!known) refuse("unknown placeholder {" + std::string(name) + "}");
    i = close;
  }
}

std::string clean_name_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    const bool bad = u < 0x20 || u == 0x7f || c == ' ' || std::string_view("/\\:*?\"<>|").find(c) != std::string_view::npos;
    out += bad ? '_' : c;
  }
  if (!out.empty() && out.front() == '.') out.front() = '_';
  return cut(std::move(out), kValueBytes);
}

std::string expand_name(const std::string& t, const NameFields& f) {
  const std::string_view b = body(t);
  std::string out;
  bool has_n = false;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (b[i] != '{') {
      out += b[i];
      continue;
    }
    const auto close = b.find('}', i);
    if (close == std::string_view::npos) {  // check_name_template refuses it; kept literal here
      out += b.substr(i);
      break;
    }
    const std::string_view name = b.substr(i + 1, close - i - 1);
    if (name == "project") out += clean_name_value(f.project.empty() ? "none" : f.project);
    else if (name == "style") out += clean_name_value(f.style.empty() ? "none" : f.style);
    else if (name == "seed") out += f.seed < 0 ? "none" : std::to_string(f.seed);
    else if (name == "key") out += clean_name_value(f.key);
    else if (name == "date") out += clean_name_value(f.date);
    else if (name == "n") out += std::to_string(f.n), has_n = true;
    i = close;
  }
  if (!has_n && f.n > 1) out += "-" + std::to_string(f.n);
  if (out.empty()) out = "_";
  if (out.front() == '.') out.front() = '_';
  return cut(std::move(out), kNameBytes);
}

}  // namespace photoagent::workflows

#include "photoagent/workflows/batch_file.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "photoagent/util/error.hpp"
#include "photoagent/util/input_file.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

// One line's fields over the defaults. Unknown fields are an error: a typo
// ("promt") must not silently fall back to the default.
void apply_line(GenerateRequest& r, const json& line) {
  for (auto it = line.begin(); it != line.end(); ++it) {
    const std::string& k = it.key();
    const json& v = *it;
    auto text = [&] {
      if (v.is_number()) return v.dump();  // a CSV prompt like 1984
      if (!v.is_string()) throw util::usage_error("\"" + k + "\" must be text");
      return v.get<std::string>();
    };
    auto number = [&] {
      if (!v.is_number() || !std::isfinite(v.get<double>())) throw util::usage_error("\"" + k + "\" must be a number");
      return v.get<double>();
    };
    // A whole number in range, checked before any conversion: 1e300, 1.5
    // or -1 as a seed is refused, not cast.
    auto whole = [&](long long min, long long max) -> long long {
      const bool fits = v.is_number_unsigned() ? v.get<unsigned long long>() <= static_cast<unsigned long long>(max)
                                               : v.is_number_integer();
      const long long x = fits ? v.get<long long>() : 0;
      if (!fits || x < min || x > max)
        throw util::usage_error("\"" + k + "\" must be a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", not " + util::excerpt(v.dump()));
      return x;
    };
    if (k == "prompt") r.prompt = text();
    else if (k == "style") r.style = text();
    else if (k == "model") r.model = text();
    else if (k == "id") r.id = v.is_string() ? v.get<std::string>() : v.dump();
    else if (k == "aspect" || k == "aspect_ratio") r.aspect = text();
    else if (k == "format" || k == "output_format") r.format = text();
    else if (k == "negative" || k == "negative_prompt") r.negative = text();
    else if (k == "extra_lora") r.extra_lora = text();
    else if (k == "seed") r.seed = whole(0, kMaxSeed);
    else if (k == "n") r.n = static_cast<int>(whole(1, 1000));
    else if (k == "steps") r.steps = static_cast<int>(whole(1, 500));
    else if (k == "guidance") r.guidance = number();
    else if (k == "lora_scale") r.lora_scale = number();
    else if (k == "upscale") r.upscale = v.is_boolean() && v.get<bool>();
    else if (k == "face_restore") r.face_restore = v.is_boolean() && v.get<bool>();
    else if (k == "input") {
      if (!v.is_object()) throw util::usage_error("\"input\" must be an object");
      for (auto in = v.begin(); in != v.end(); ++in) r.inputs.emplace_back(in.key(), in->dump());
    } else {
      throw util::usage_error("unknown field \"" + k + "\"");
    }
  }
  if (util::trim(r.prompt).empty()) throw util::usage_error("no \"prompt\"");
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
    else if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.emplace_back();
    else out.back() += c;
  }
  if (quoted) throw util::usage_error("unterminated quote");
  return out;
}

}  // namespace

std::vector<BatchLine> read_batch(std::istream& stdin_stream, const std::string& path, const GenerateRequest& defaults) {
  std::optional<util::InputFile> file;  // close-on-exec, unlike std::ifstream
  std::istream* in = &stdin_stream;
  if (path != "-") {
    // Checked before anything is planned or paid: a folder opens as a stream
    // that reads nothing, which would look like an empty batch.
    std::error_code ec;
    const auto kind = std::filesystem::status(path, ec).type();
    if (kind == std::filesystem::file_type::not_found)
      throw util::not_found("no batch file " + path, "--batch takes a JSON Lines or CSV file, or '-' for stdin.");
    if (kind == std::filesystem::file_type::directory)
      throw util::usage_error("--batch " + path + " is a folder, not a file",
                              "Name the JSON Lines or CSV file inside it.");
    file.emplace(path);
    if (!file->is_open() || ec) throw util::failure("cannot read the batch file " + path + ": " + std::strerror(errno));
    in = &file->stream();
  }
  const std::string name = path == "-" ? "stdin" : path;
  const bool csv = util::to_lower(path).ends_with(".csv");
  std::vector<BatchLine> items;
  std::vector<std::string> header;
  std::string line;
  for (int n = 1; std::getline(*in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (util::trim(line).empty() || line.starts_with("#")) continue;
    BatchLine item{name + ":" + std::to_string(n), defaults, ""};
    if (csv && header.empty()) {
      // Every line's meaning hangs on the header: a bad one stops the batch.
      try {
        util::check_text("the header line", line);
        header = csv_fields(line);
      } catch (const util::Error& e) {
        throw util::usage_error(item.where + ": " + e.message(), e.hint());
      }
      continue;
    }
    try {
      // Bytes that are not UTF-8, or a NUL, would be cut or replaced further
      // on: this line is refused with where the byte is, the others go on.
      util::check_text("the line", line);
      json obj;
      if (csv) {
        auto fields = csv_fields(line);
        if (fields.size() != header.size())
          throw util::usage_error("has " + std::to_string(fields.size()) + " fields; the header has " +
                                  std::to_string(header.size()));
        obj = json::object();
        for (std::size_t i = 0; i < header.size(); ++i) {
          if (fields[i].empty()) continue;
          json v = json::parse(fields[i], nullptr, false);  // numbers stay numbers
          obj[util::trim(header[i])] = v.is_discarded() || v.is_object() ? json(fields[i]) : v;
        }
      } else {
        obj = json::parse(line, nullptr, false);
        if (!obj.is_object()) throw util::usage_error("is not a JSON object");
      }
      apply_line(item.request, obj);
    } catch (const util::Error& e) {
      item.error = e.message();
    } catch (const std::exception& e) {
      item.error = std::string("cannot read this line: ") + e.what();  // one odd line never stops the batch
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace photoagent::workflows

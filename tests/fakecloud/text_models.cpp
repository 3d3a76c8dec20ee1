#include "text_models.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "util.hpp"

namespace fakecloud {
namespace {

struct Size {
  int w = 0, h = 0;
};

// Width and height from a JPEG SOF or PNG IHDR; {0,0} when neither.
Size image_size(const std::string& b) {
  auto u = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() > 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0)
    return {int(u(16) << 24 | u(17) << 16 | u(18) << 8 | u(19)), int(u(20) << 24 | u(21) << 16 | u(22) << 8 | u(23))};
  if (b.size() > 4 && u(0) == 0xFF && u(1) == 0xD8) {
    size_t i = 2;
    while (i + 9 < b.size()) {
      if (u(i) != 0xFF) return {};
      int marker = u(i + 1);
      size_t len = u(i + 2) << 8 | u(i + 3);
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        return {u(i + 7) << 8 | u(i + 8), u(i + 5) << 8 | u(i + 6)};
      i += 2 + len;
    }
  }
  return {};
}

}  // namespace

std::string caption_for(const std::string& image) {
  static const char* things[] = {"a person standing in front of a wall", "a woman smiling at the camera",
                                 "a man wearing a suit", "a person sitting on a bench",
                                 "a close up of a person's face", "a person on a beach"};
  const std::string subject = things[fnv1a(image) % 6];
  Size s;
  if (image.rfind("data:", 0) == 0) {
    auto comma = image.find(',');
    if (comma != std::string::npos)
      if (auto bytes = base64_decode(std::string_view(image).substr(comma + 1))) s = image_size(*bytes);
  }
  if (s.w <= 0 || s.h <= 0) return "Caption: " + subject;
  const char* shape = s.w > s.h ? "landscape" : s.w < s.h ? "portrait" : "square";
  return "Caption: " + subject + ", " + shape + " photo";
}

json llm_tokens_for(const std::string& prompt) {
  // Tag requests end with "described as: <caption>"; answer with its words.
  static const std::set<std::string> stop = {"a", "an", "the", "of", "in", "on", "at", "to", "and", "with",
                                             "photo", "person's", "is", "for", "front"};
  std::string text = prompt;
  if (auto at = prompt.rfind("described as:"); at != std::string::npos) text = prompt.substr(at + 13);
  std::vector<std::string> words;
  std::string w;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '\'') {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (w.size() > 2 && !stop.count(w) && std::find(words.begin(), words.end(), w) == words.end() &&
          w.find("tok_") != 0)
        words.push_back(w);
      w.clear();
    }
  }
  if (words.size() > 6) words.resize(6);
  std::string answer;
  for (size_t i = 0; i < words.size(); ++i) answer += (i ? ", " : "") + words[i];
  if (answer.empty()) answer = "photo";
  // Replicate's language models stream tokens: the output is an array of pieces.
  json out = json::array();
  for (size_t i = 0; i < answer.size(); i += 4) out.push_back(answer.substr(i, 4));
  return out;
}

}  // namespace fakecloud

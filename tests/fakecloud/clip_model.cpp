#include "clip_model.hpp"

#include <turbojpeg.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace fakecloud {
namespace {

using Vec = std::vector<double>;

// Words of one meaning share a concept (the first word of the row).
const std::map<std::string, std::string>& synonyms() {
  static const std::map<std::string, std::string> table = [] {
    const std::vector<std::vector<std::string>> groups = {
        {"red", "crimson", "scarlet", "ruby", "cherry"},
        {"orange", "amber", "tangerine"},
        {"yellow", "golden", "gold", "lemon"},
        {"green", "emerald", "grass", "forest", "leaf", "leaves"},
        {"blue", "azure", "navy", "sky", "ocean", "sea"},
        {"purple", "violet", "lilac", "lavender"},
        {"pink", "rose", "magenta"},
        {"white", "snow", "ivory"},
        {"black", "ebony", "jet"},
        {"gray", "grey", "silver"},
        {"dark", "night", "dim", "shadow", "shadows"},
        {"bright", "sunny", "light", "daylight"},
        {"tall", "vertical", "upright"},
        {"wide", "horizontal", "panorama", "panoramic"},
        {"person", "woman", "man", "people", "portrait", "face", "headshot", "selfie", "lady", "guy"},
        {"dog", "puppy", "canine", "hound"},
        {"cat", "kitten", "kitty", "feline"},
        {"beach", "shore", "sand", "coast", "seaside"},
        {"boat", "sailboat", "ship", "yacht"},
        {"mug", "cup", "teacup"},
        {"dress", "gown", "frock"},
        {"smile", "smiling", "happy", "grin"},
        {"city", "street", "urban", "town"},
        {"car", "automobile", "vehicle"},
    };
    std::map<std::string, std::string> m;
    for (const auto& g : groups)
      for (const auto& w : g) m[w] = g.front();
    return m;
  }();
  return table;
}

const std::set<std::string>& stop_words() {
  static const std::set<std::string> s = {"a",  "an",   "the",   "of",    "in",    "on",      "at",  "to",
                                          "and", "with", "photo", "picture", "image", "is",      "by",
                                          "for", "from", "some",  "this",  "that"};
  return s;
}

// A fixed pseudo-random unit direction per name.
Vec direction(const std::string& name, int dim) {
  Vec v(static_cast<size_t>(dim));
  uint64_t h = fnv1a(name);
  double norm = 0;
  for (auto& x : v) {
    // Sum of two uniforms: a rough bell, enough for near-orthogonal directions.
    h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    double a = static_cast<double>(h >> 11) / 9007199254740992.0;
    h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    double b = static_cast<double>(h >> 11) / 9007199254740992.0;
    x = a + b - 1.0;
    norm += x * x;
  }
  norm = std::sqrt(norm);
  for (auto& x : v) x /= norm;
  return v;
}

void add(Vec& to, const Vec& v, double weight) {
  for (size_t i = 0; i < to.size(); ++i) to[i] += weight * v[i];
}

void normalise(Vec& v) {
  double n = 0;
  for (double x : v) n += x * x;
  n = std::sqrt(n);
  if (n > 0)
    for (auto& x : v) x /= n;
}

// The concept a word stands for: its synonym group, or itself (a plural's
// trailing "s" dropped when that names a known word).
std::string concept_of(std::string w) {
  const auto& syn = synonyms();
  if (auto it = syn.find(w); it != syn.end()) return it->second;
  if (w.size() > 3 && w.back() == 's') {
    std::string single = w.ends_with("ies") ? w.substr(0, w.size() - 3) + "y" : w.substr(0, w.size() - 1);
    if (auto it = syn.find(single); it != syn.end()) return it->second;
    return single;
  }
  return w;
}

Vec text_vector(const std::string& text, int dim) {
  Vec v(static_cast<size_t>(dim), 0.0);
  std::string w;
  int words = 0;
  for (char c : text + " ") {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      w += static_cast<char>(std::tolower(u));
      continue;
    }
    if (!w.empty() && !stop_words().count(w)) {
      add(v, direction("concept:" + concept_of(w), dim), 1.0);
      ++words;
    }
    w.clear();
  }
  if (words == 0) add(v, direction("text:" + text, dim), 1.0);  // no word: still a stable vector
  normalise(v);
  return v;
}

struct Rgb {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
};

bool decode_jpeg(const std::string& bytes, Rgb& out) {
  tjhandle tj = tjInitDecompress();
  if (!tj) return false;
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  bool ok = tjDecompressHeader3(tj, data, static_cast<unsigned long>(bytes.size()), &w, &h, &subsamp, &colorspace) == 0 &&
            w > 0 && h > 0 && static_cast<long>(w) * h <= 4096L * 4096L;
  if (ok) {
    out.px.resize(static_cast<size_t>(w) * h * 3);
    ok = tjDecompress2(tj, data, static_cast<unsigned long>(bytes.size()), out.px.data(), w, 0, h, TJPF_RGB,
                       TJFLAG_ACCURATEDCT) == 0;
    out.w = w;
    out.h = h;
  }
  tjDestroy(tj);
  return ok;
}

// The colour word a caption would use for a mean colour.
std::string colour_word(double r, double g, double b) {
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b});
  const double sat = mx <= 0 ? 0 : (mx - mn) / mx;
  if (sat < 0.2) return mx > 200 ? "white" : mx < 50 ? "black" : "gray";
  double hue;
  if (mx == r) hue = std::fmod((g - b) / (mx - mn), 6.0) * 60;
  else if (mx == g) hue = ((b - r) / (mx - mn) + 2) * 60;
  else hue = ((r - g) / (mx - mn) + 4) * 60;
  if (hue < 0) hue += 360;
  if (hue < 15 || hue >= 340) return "red";
  if (hue < 40) return "orange";
  if (hue < 70) return "yellow";
  if (hue < 170) return "green";
  if (hue < 255) return "blue";
  if (hue < 300) return "purple";
  return "pink";
}

// What a caption would say (colour, light, shape) in the words' directions,
// and a layout part: a 4x4 grid of mean colours around the picture's mean,
// each cell and channel pulling its own direction.
Vec picture_vector(const Rgb& img, int dim) {
  double mean[3] = {0, 0, 0};
  double grid[4][4][3] = {};
  long count[4][4] = {};
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < img.w; ++x) {
      const unsigned char* p = &img.px[(static_cast<size_t>(y) * img.w + x) * 3];
      const int gy = y * 4 / img.h, gx = x * 4 / img.w;
      ++count[gy][gx];
      for (int c = 0; c < 3; ++c) {
        mean[c] += p[c];
        grid[gy][gx][c] += p[c];
      }
    }
  const double n = static_cast<double>(img.w) * img.h;
  for (double& m : mean) m /= n;
  Vec described(static_cast<size_t>(dim), 0.0);
  add(described, direction("concept:" + colour_word(mean[0], mean[1], mean[2]), dim), 1.0);
  const double luma = 0.299 * mean[0] + 0.587 * mean[1] + 0.114 * mean[2];
  if (luma < 70) add(described, direction("concept:dark", dim), 0.5);
  if (luma > 185) add(described, direction("concept:bright", dim), 0.5);
  if (img.h > img.w * 1.2) add(described, direction("concept:tall", dim), 0.4);
  if (img.w > img.h * 1.2) add(described, direction("concept:wide", dim), 0.4);
  normalise(described);
  Vec layout(static_cast<size_t>(dim), 0.0);
  for (int gy = 0; gy < 4; ++gy)
    for (int gx = 0; gx < 4; ++gx)
      for (int c = 0; c < 3; ++c) {
        const double cell = count[gy][gx] ? grid[gy][gx][c] / static_cast<double>(count[gy][gx]) : mean[c];
        add(layout, direction("cell:" + std::to_string(gy * 12 + gx * 3 + c), dim), (cell - mean[c]) / 64.0);
      }
  // The mean colour itself, finely: pictures of one colour differ by shade.
  for (int c = 0; c < 3; ++c) add(layout, direction("mean:" + std::to_string(c), dim), (mean[c] - 128) / 128.0);
  normalise(layout);
  Vec v(static_cast<size_t>(dim), 0.0);
  add(v, described, 0.6);
  add(v, layout, 0.8);
  normalise(v);
  return v;
}

Vec image_vector(const std::string& image, int dim) {
  if (starts_with(image, "data:")) {
    const auto comma = image.find(',');
    if (comma != std::string::npos && image.compare(0, comma, "data:image/jpeg;base64") == 0) {
      Rgb rgb;
      if (auto bytes = base64_decode(std::string_view(image).substr(comma + 1)); bytes && decode_jpeg(*bytes, rgb))
        return picture_vector(rgb, dim);
    }
  }
  // Not a JPEG it can read (a URL it would have to fetch, another format):
  // still one stable vector per input.
  return direction("image:" + image, dim);
}

}  // namespace

json clip_embedding_output(const json& input, int dim) {
  const std::string image = jstr(input, "image"), text = jstr(input, "text");
  // The model embeds the image when it has one, else the text.
  const Vec v = !image.empty() ? image_vector(image, dim) : text_vector(text, dim);
  // Raw CLIP features are not normalised: scale by a stable factor (8..12).
  const double scale = 8.0 + static_cast<double>(fnv1a(image.empty() ? text : image) % 400) / 100.0;
  json out = json::array();
  for (double x : v) out.push_back(std::round(x * scale * 1e6) / 1e6);
  return json{{"embedding", std::move(out)}};
}

}  // namespace fakecloud

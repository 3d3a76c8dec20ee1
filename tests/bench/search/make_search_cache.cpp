// Builds a cache for the search benchmark (README.md here): N images (default
// 100,000) in 24 projects, 60% uploaded photos with captions, tags,
// categories and camera file names, 40% outputs of generate with prompts,
// styles, models and seeds, spread over two years. Rows go in through the
// store's own write paths (insert_image, insert_prediction_intent,
// record_generated_images), so the full-text index is what migration 7's
// triggers make of them. Deterministic: the same N gives the same cache.
//
// usage: make_search_cache DATA_DIR [N]
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"

namespace {

using Words = std::vector<const char*>;

const Words kPeople = {"woman", "man", "young woman", "older man", "girl", "boy", "couple", "TOK", "person",
                       "bride", "runner", "chef", "student", "grandmother", "teenager"};
const Words kWearing = {"a red dress", "a blue suit", "a white shirt", "a leather jacket", "a green coat",
                        "a yellow raincoat", "a black turtleneck", "a floral summer dress", "a grey hoodie",
                        "a denim jacket", "sunglasses", "a straw hat", "a wool scarf", "running gear",
                        "a wedding gown", "a chef's apron", "glasses", "a striped sweater"};
const Words kActions = {"smiling", "laughing", "looking at the camera", "walking", "sitting on a bench",
                        "reading a book", "drinking coffee", "holding a dog", "running", "dancing",
                        "looking away", "standing", "cooking", "riding a bicycle", "playing guitar"};
const Words kPlaces = {"on the beach", "in a cafe in Paris", "in a park", "by a window", "in a studio",
                       "on a city street", "in the mountains", "in the snow", "at a wedding", "in a kitchen",
                       "in an office", "in a forest", "by the lake", "on a rooftop", "in a library",
                       "at the market", "in a garden", "on a sailboat", "in the desert", "at the gym"};
const Words kLight = {"at golden hour", "at sunset", "in soft window light", "under studio lights", "at night",
                      "on an overcast day", "in harsh midday sun", "at dawn", "in neon light", "by candlelight"};
const Words kShots = {"close-up portrait", "half-body shot", "full-body shot", "profile", "candid photo",
                      "wide shot", "headshot", "black and white photo", "selfie", "environmental portrait"};
const Words kProducts = {"ceramic mug", "leather wallet", "running shoe", "wrist watch", "perfume bottle",
                         "backpack", "headphones", "coffee grinder", "desk lamp", "sunglasses", "water bottle",
                         "wooden chair", "handbag", "scented candle", "notebook"};
const Words kSurfaces = {"on a white background", "on a wooden table", "on marble", "on a kitchen counter",
                         "on a concrete floor", "in a hand", "on a shelf", "on linen", "outdoors on grass",
                         "on a desk"};
const Words kTags = {"portrait", "outdoor", "indoor", "smile", "summer", "winter", "travel", "family", "work",
                     "studio", "night", "beach", "city", "nature", "food", "pet", "sport", "wedding", "product",
                     "bw", "favourite", "print", "instagram", "linkedin"};
const Words kPersonCategories = {"headshot", "half-body", "full-body", "profile", "candid"};
const Words kProductCategories = {"front", "back", "side", "detail", "in-use"};
const Words kStyles = {"headshot", "full-body", "linkedin", "instagram", "dating", "gym", "ghibli", "cinematic",
                       "product-studio", "product-lifestyle"};
const Words kModels = {"black-forest-labs/flux-dev", "black-forest-labs/flux-schnell",
                       "black-forest-labs/flux-1.1-pro", "stability-ai/stable-diffusion-3.5-large"};
const Words kExtras = {"highly detailed", "35mm film", "shallow depth of field", "bokeh", "8k", "soft colors",
                       "dramatic shadows", "muted tones", "vibrant colors", "film grain", "sharp focus",
                       "natural skin texture", "wide angle", "85mm lens"};

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}
  const char* pick(const Words& w) { return w[rng_() % w.size()]; }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  unsigned number(unsigned below) { return static_cast<unsigned>(rng_() % below); }

  std::string person_caption() {
    std::string s = std::string(pick(kShots)) + " of a " + pick(kPeople);
    if (chance(70)) s += std::string(" in ") + pick(kWearing);
    if (chance(70)) s += std::string(", ") + pick(kActions);
    s += std::string(" ") + pick(kPlaces);
    if (chance(50)) s += std::string(" ") + pick(kLight);
    return s;
  }
  std::string product_caption() {
    std::string s = std::string("a ") + pick(kProducts) + " " + pick(kSurfaces);
    if (chance(50)) s += std::string(" ") + pick(kLight);
    return s;
  }
  std::string prompt(bool product) {
    std::string s = product ? product_caption() : person_caption();
    for (unsigned k = number(4); k > 0; --k) s += std::string(", ") + pick(kExtras);
    return s;
  }
  std::string tags() {  // distinct, as upload keeps them
    std::string s;
    for (unsigned k = 1 + number(4); k > 0; --k) {
      const std::string t = pick(kTags);
      if (("," + s + ",").find("," + t + ",") == std::string::npos) s += (s.empty() ? "" : ",") + t;
    }
    return s;
  }
  std::string camera_name(std::int64_t i) {
    char buf[64];
    switch (number(4)) {
      case 0: std::snprintf(buf, sizeof buf, "IMG_%04u.jpg", number(10000)); break;
      case 1: std::snprintf(buf, sizeof buf, "DSC%05u.JPG", number(100000)); break;
      case 2: std::snprintf(buf, sizeof buf, "PXL_2025%04u_%06lld.jpg", 101 + number(1200), static_cast<long long>(i)); break;
      default: std::snprintf(buf, sizeof buf, "photo-%lld.png", static_cast<long long>(i)); break;
    }
    return buf;
  }

 private:
  std::mt19937_64 rng_;
};

std::string hex64(std::uint64_t a, std::uint64_t b) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<unsigned long long>(a ^ 0x9e3779b97f4a7c15ULL),
                static_cast<unsigned long long>(b * 31 + 7));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  namespace store = photoagent::store;
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_search_cache DATA_DIR [N]\n");
    return 2;
  }
  const std::int64_t n = argc > 2 ? std::atoll(argv[2]) : 100000;
  try {
    store::Database db(argv[1]);
    Gen g(20261204);
    const char* names[] = {"ada", "bob", "cy", "dora", "eli", "fay", "gus", "hana", "ivo", "jun", "kai", "lea",
                           "mug-shop", "shoe-co", "watch-lab", "candle-co", "bag-works", "lamp-studio",
                           "bottle-co", "chair-house", "note-co", "brew-gear", "scent-lab", "pack-co"};
    std::vector<store::Project> projects;
    for (std::size_t k = 0; k < std::size(names); ++k) {
      store::Project p;
      p.name = names[k];
      p.kind = k < 12 ? "person" : "product";
      p.trigger = "TOK_" + std::to_string(k);
      p.description = k < 12 ? std::string("portraits of ") + names[k] + " for profiles and prints"
                             : std::string("catalogue photos of ") + names[k];
      p.created_at = "2025-01-01T00:00:00Z";
      projects.push_back(store::insert_project(db, p));
    }
    const std::int64_t start = *photoagent::util::parse_iso8601("2025-01-01T00:00:00Z");
    const std::int64_t span = 2 * 365 * 86400;
    std::optional<store::Database::WriteTransaction> tx;
    tx.emplace(db);
    for (std::int64_t i = 0; i < n; ++i) {
      if (i % 5000 == 4999) {  // one transaction per slice: the store's calls join it
        tx->commit();
        tx.reset();
        tx.emplace(db);
      }
      const auto& p = projects[g.number(static_cast<unsigned>(projects.size()))];
      const bool product = p.kind == "product";
      store::Image img;
      img.project_id = p.id;
      img.sha256 = img.source_sha256 = hex64(static_cast<std::uint64_t>(i), 0xabcdef);
      img.path = store::blob_path(img.sha256, "jpg");
      img.bytes = 200000 + g.number(3000000);
      img.width = 1024, img.height = 1365;
      img.created_at = photoagent::util::iso8601(start + span * i / n);
      if (g.chance(60)) {
        img.caption = product ? g.product_caption() : g.person_caption();
        img.tags = g.tags();
        if (g.chance(80)) img.category = g.pick(product ? kProductCategories : kPersonCategories);
        img.original_name = g.camera_name(i);
        if (!store::insert_image(db, img)) throw photoagent::util::failure("a duplicate in the benchmark data");
      } else {
        store::PredictionRow row;
        row.key = "bench:" + std::to_string(i);
        row.purpose = "generate";
        row.model = g.pick(kModels);
        row.input = "{}";
        row.input_digest = img.sha256;
        row.project_id = p.id;
        row.created_at = img.created_at;
        store::GenerationInfo info;
        info.prompt = g.prompt(product);
        info.style = g.chance(70) ? g.pick(kStyles) : "";
        info.seed = g.number(1u << 31);
        const auto pred = store::insert_prediction_intent(db, row, &info);
        img.caption = info.prompt;
        img.source = "generated";
        img.original_name = p.name + "-" + (info.style.empty() ? "out" : info.style) + "-" + std::to_string(i) + ".png";
        store::record_generated_images(db, pred.id, {img}, "[]");
      }
    }
    tx->commit();
    db.sql().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    std::printf("%lld images in %zu projects: %s/photoagent.db\n", static_cast<long long>(n), projects.size(), argv[1]);
  } catch (const photoagent::util::Error& e) {
    std::fprintf(stderr, "make_search_cache: %s\n", e.message().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_search_cache: %s\n", e.what());
    return 1;
  }
  return 0;
}

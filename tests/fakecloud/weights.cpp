// The trained_model.tar a training delivers (replicate.md §7.4): a plain
// POSIX (ustar) tar of output/flux_train_replicate/ holding a small but valid
// lora.safetensors and the ai-toolkit config.yaml. Bytes are a pure function
// of the training, so repeated downloads hash the same.
#include <cstring>

#include "replicate.hpp"

namespace fakecloud {
namespace {

void octal(char* field, size_t width, uint64_t value) {
  // width-1 digits, zero padded, then NUL.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

std::string ustar_header(const std::string& name, size_t size, char type, uint64_t mtime) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  octal(h + 100, 8, type == '5' ? 0755 : 0644);
  octal(h + 108, 8, 0);
  octal(h + 116, 8, 0);
  octal(h + 124, 12, size);
  octal(h + 136, 12, mtime);
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);  // magic "ustar\0"
  std::memcpy(h + 263, "00", 2);     // version
  std::memcpy(h + 265, "root", 4);
  std::memcpy(h + 297, "root", 4);
  // Checksum: sum of all header bytes with the checksum field read as spaces.
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char ch : h) sum += ch;
  std::snprintf(h + 148, 8, "%06o", sum);  // six digits, NUL, then the space already there
  h[155] = ' ';
  return std::string(h, sizeof h);
}

void add(std::string& tar, const std::string& name, const std::string& data, char type,
         uint64_t mtime) {
  tar += ustar_header(name, type == '5' ? 0 : data.size(), type, mtime);
  if (type != '5') {
    tar += data;
    tar.append((512 - data.size() % 512) % 512, '\0');
  }
}

// safetensors: u64 little-endian header length, JSON header (space padded to
// a multiple of 8), then the raw tensor bytes.
std::string safetensors(const Job& t) {
  // The caller may leave lora_rank out: the trainer's schema default applies.
  int rank = static_cast<int>(std::clamp(jlong(t.resolved_input, "lora_rank", 16), 1L, 128L));
  const int dim = 64;
  json header = {{"__metadata__", {{"format", "pt"}, {"name", "flux_train_replicate"},
                                   {"trigger_word", jstr(t.resolved_input, "trigger_word", "TOK")},
                                   {"software", "fakecloud"}}}};
  std::string data;
  uint64_t h = fnv1a(t.id);
  const char* names[] = {"transformer.single_transformer_blocks.0.proj_out.lora_A.weight",
                         "transformer.single_transformer_blocks.0.proj_out.lora_B.weight"};
  for (int k = 0; k < 2; ++k) {
    size_t begin = data.size();
    size_t count = static_cast<size_t>(rank) * dim;
    for (size_t i = 0; i < count; ++i) {
      h = h * 6364136223846793005ULL + 1442695040888963407ULL;
      // Small F16 values: sign/exponent around 2^-6, random mantissa.
      uint16_t half = static_cast<uint16_t>(0x2400 | ((h >> 40) & 0x3ff) | ((h >> 63) << 15));
      data += static_cast<char>(half & 0xff);
      data += static_cast<char>(half >> 8);
    }
    json shape = k == 0 ? json{rank, dim} : json{dim, rank};
    header[names[k]] = {{"dtype", "F16"}, {"shape", shape}, {"data_offsets", {begin, data.size()}}};
  }
  std::string hj = header.dump();
  hj.append((8 - hj.size() % 8) % 8, ' ');
  std::string out;
  uint64_t n = hj.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out + hj + data;
}

std::string config_yaml(const Job& t) {
  auto in = [&](const char* k, const std::string& def) {
    const json v = t.resolved_input.value(k, json());
    return v.is_null() ? def : (v.is_string() ? v.get<std::string>() : v.dump());
  };
  return "job: custom_job\nconfig:\n  name: flux_train_replicate\n  process:\n"
         "  - type: custom_sd_trainer\n    training_folder: output\n    device: cuda:0\n"
         "    trigger_word: " + in("trigger_word", "TOK") + "\n"
         "    network:\n      type: lora\n      linear: " + in("lora_rank", "16") +
         "\n      linear_alpha: " + in("lora_rank", "16") + "\n"
         "    train:\n      batch_size: " + in("batch_size", "1") + "\n      steps: " +
         in("steps", "1000") + "\n      lr: " + in("learning_rate", "0.0004") +
         "\n      optimizer: " + in("optimizer", "adamw8bit") + "\n"
         "    model:\n      name_or_path: black-forest-labs/FLUX.1-dev\n      is_flux: true\n"
         "meta:\n  name: flux_train_replicate\n  version: '1.0'\n";
}

}  // namespace

std::string make_weights_tar(const Job& t, const std::string& extra_entry) {
  uint64_t mtime = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(t.end_at.time_since_epoch()).count());
  std::string tar;
  add(tar, "output/", "", '5', mtime);
  add(tar, "output/flux_train_replicate/", "", '5', mtime);
  add(tar, "output/flux_train_replicate/lora.safetensors", safetensors(t), '0', mtime);
  add(tar, "output/flux_train_replicate/config.yaml", config_yaml(t), '0', mtime);
  // A hostile archive on request (config weights_extra_entry), to test that
  // clients refuse entries that escape their folder.
  if (!extra_entry.empty()) add(tar, extra_entry, safetensors(t), '0', mtime);
  tar.append(1024, '\0');  // two zero blocks end the archive
  return tar;
}

}  // namespace fakecloud

#include "util.hpp"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <ctime>
#include <mutex>

namespace fakecloud {

std::string iso(TimePoint t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  long frac = static_cast<long>(us % 1000000);
  if (frac < 0) { frac += 1000000; secs -= 1; }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<TimePoint> parse_iso(std::string_view s) {
  int Y = 0, M = 0, D = 0, h = 0, m = 0, sec = 0;
  size_t i = 0;
  auto num = [&](int width, int& out) {
    if (i + width > s.size()) return false;
    out = 0;
    for (int k = 0; k < width; ++k) {
      char c = s[i + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      out = out * 10 + (c - '0');
    }
    i += width;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) { ++i; return true; }
    return false;
  };
  if (!num(4, Y) || !lit('-') || !num(2, M) || !lit('-') || !num(2, D)) return std::nullopt;
  long micros = 0;
  long offset_s = 0;
  if (i < s.size()) {
    if (!(lit('T') || lit('t') || lit(' '))) return std::nullopt;
    if (!num(2, h) || !lit(':') || !num(2, m)) return std::nullopt;
    if (lit(':') && !num(2, sec)) return std::nullopt;
    if (lit('.')) {
      long scale = 100000;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        micros += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
    }
    if (lit('Z') || lit('z')) {
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int oh = 0, om = 0;
      if (!num(2, oh)) return std::nullopt;
      lit(':');
      if (!num(2, om)) return std::nullopt;
      offset_s = sign * (oh * 3600L + om * 60L);
    }
    if (i != s.size()) return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  return Clock::time_point(std::chrono::seconds(t - offset_s)) + std::chrono::microseconds(micros);
}

double seconds_between(TimePoint a, TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

static std::string digest_hex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 15];
  }
  return s;
}

std::string sha256_hex(std::string_view d) { return digest_hex(EVP_sha256(), d); }
std::string md5_hex(std::string_view d) { return digest_hex(EVP_md5(), d); }
std::string sha1_hex(std::string_view d) { return digest_hex(EVP_sha1(), d); }

std::string git_blob_sha1(std::string_view d) {
  std::string s = "blob " + std::to_string(d.size());
  s.push_back('\0');
  s.append(d);
  return sha1_hex(s);
}

uint64_t fnv1a(std::string_view d, uint64_t h) {
  for (unsigned char c : d) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char* kB64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static std::string b64enc(std::string_view in, const char* alpha, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += alpha[v >> 18];
    out += alpha[(v >> 12) & 63];
    out += alpha[(v >> 6) & 63];
    out += alpha[v & 63];
    i += 3;
  }
  size_t rest = in.size() - i;
  if (rest) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += alpha[v >> 18];
    out += alpha[(v >> 12) & 63];
    if (rest == 2) out += alpha[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

static std::optional<std::string> b64dec(std::string_view in, const char* alpha) {
  std::array<int, 256> rev;
  rev.fill(-1);
  for (int k = 0; k < 64; ++k) rev[static_cast<unsigned char>(alpha[k])] = k;
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    int v = rev[c];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string base64_encode(std::string_view d) { return b64enc(d, kB64, true); }
std::optional<std::string> base64_decode(std::string_view d) { return b64dec(d, kB64); }
std::string base64url_encode(std::string_view d) { return b64enc(d, kB64Url, false); }
std::optional<std::string> base64url_decode(std::string_view d) { return b64dec(d, kB64Url); }

static std::mt19937_64& shared_rng(std::unique_lock<std::mutex>& lock) {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  lock = std::unique_lock<std::mutex>(mu);
  return rng;
}

std::string random_string(size_t n, std::string_view alphabet) {
  std::unique_lock<std::mutex> lock;
  auto& rng = shared_rng(lock);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s(n, ' ');
  for (auto& c : s) c = alphabet[pick(rng)];
  return s;
}

std::string random_hex(size_t n) { return random_string(n, "0123456789abcdef"); }

std::string replicate_id() { return random_string(26, "0123456789abcdefghjkmnpqrstvwxyz"); }

std::string stable_hex64(std::string_view seed) { return sha256_hex(seed); }

long sample_ms(const json& v, std::mt19937_64& rng, long fallback) {
  long lo = fallback, hi = fallback;
  if (v.is_number()) {
    lo = hi = v.get<long>();
  } else if (v.is_object()) {
    lo = v.value("min", fallback);
    hi = v.value("max", lo);
  } else if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
    lo = v[0].get<long>();
    hi = v[1].get<long>();
  }
  if (hi < lo) std::swap(lo, hi);
  if (lo < 0) lo = 0;
  if (hi < 0) hi = 0;
  if (lo == hi) return lo;
  return std::uniform_int_distribution<long>(lo, hi)(rng);
}

std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    double n = std::stod(std::string(s.substr(start, i - start)));
    size_t u = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view unit = s.substr(u, i - u);
    if (unit == "ms") total_ms += n;
    else if (unit == "s") total_ms += n * 1000;
    else if (unit == "m") total_ms += n * 60000;
    else if (unit == "h") total_ms += n * 3600000;
    else return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long>(total_ms));
}

std::string jstr(const json& o, const char* key, const std::string& def) {
  if (!o.is_object()) return def;
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : def;
}

long jlong(const json& o, const char* key, long def) {
  if (!o.is_object()) return def;
  auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<long>() : def;
}

bool jbool(const json& o, const char* key, bool def) {
  if (!o.is_object()) return def;
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() ? it->get<bool>() : def;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)))
      return false;
  return true;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string etag_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

}  // namespace fakecloud

#include "table.hpp"

#include <algorithm>
#include <ostream>

namespace photoagent::cli {
namespace {

// Display width in code points (close enough for names and captions).
std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string cut(const std::string& s, std::size_t max) {
  if (width_of(s) <= max) return s;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++n > max - 1) break;
    out += s[i];
  }
  return out + "\u2026";
}

std::string tsv_field(std::string s) {
  std::replace(s.begin(), s.end(), '\t', ' ');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

void Table::print(const Io& io) const {
  if (!io.stdout_tty) {
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) io.out << (i ? "\t" : "") << tsv_field(row[i]);
      io.out << "\n";
    }
    return;
  }
  std::vector<std::size_t> w(headers_.size(), 0);
  for (std::size_t i = 0; i < headers_.size(); ++i) w[i] = width_of(headers_[i]);
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], width_of(row[i]));
  // Shrink the widest column until the table fits the terminal.
  auto total = [&] {
    std::size_t t = 0;
    for (auto x : w) t += x + 2;
    return t;
  };
  while (total() > static_cast<std::size_t>(io.width)) {
    auto widest = std::max_element(w.begin(), w.end());
    if (*widest <= 8) break;
    --*widest;
  }
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out;
    for (std::size_t i = 0; i < cells.size() && i < w.size(); ++i) {
      std::string cell = cut(cells[i], w[i]);
      if (header) {
        std::transform(cell.begin(), cell.end(), cell.begin(), [](unsigned char c) { return std::toupper(c); });
        cell = bold(io, cell);
      }
      out += cell;
      if (i + 1 < cells.size()) out += std::string(w[i] - width_of(cut(cells[i], w[i])) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    io.out << out << "\n";
  };
  line(headers_, true);
  for (const auto& row : rows_) line(row, false);
}

}  // namespace photoagent::cli

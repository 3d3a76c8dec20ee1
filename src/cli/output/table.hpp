#pragma once
// Tables the gh way: on a terminal, aligned columns under upper-case
// headers, cut to the terminal width; in a pipe, tab-separated values with
// no header and nothing cut, so `cut -f2` and `awk` work.

#include <string>
#include <vector>

#include "io.hpp"

namespace photoagent::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  void print(const Io& io) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace photoagent::cli

#pragma once
// A progress bar on stderr, drawn only when stderr is a terminal (never in
// pipes or CI logs). update() may be called from any thread.

#include <chrono>
#include <mutex>
#include <string>

#include "io.hpp"

namespace photoagent::cli {

class ProgressBar {
 public:
  ProgressBar(const Io& io, std::string label, std::size_t total);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::size_t done);
  void update(std::size_t done, std::size_t total);  // when the total is learnt late
  void finish();  // clears the bar's line

 private:
  void draw(std::size_t done);
  const Io& io_;
  std::string label_;
  std::size_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace photoagent::cli

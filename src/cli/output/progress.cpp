#include "progress.hpp"

#include <algorithm>
#include <ostream>

namespace photoagent::cli {

ProgressBar::ProgressBar(const Io& io, std::string label, std::size_t total)
    : io_(io), label_(std::move(label)), total_(total), enabled_(io.stderr_tty) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, std::size_t total) {
  {
    std::lock_guard lock(mu_);
    total_ = total;
  }
  update(done);
}

void ProgressBar::update(std::size_t done) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  if (total_ <= 1) return;  // one item needs no bar
  auto now = std::chrono::steady_clock::now();
  // Redrawing more than ~10 times a second only costs time.
  if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  draw(done);
}

void ProgressBar::draw(std::size_t done) {
  const int width = std::clamp(io_.width - static_cast<int>(label_.size()) - 20, 10, 50);
  const int filled = total_ ? static_cast<int>(width * done / total_) : width;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(static_cast<std::size_t>(width), '.');
  io_.err << "\r" << label_ << " [" << bar << "] " << done << "/" << total_ << "\x1b[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::finish() {
  std::lock_guard lock(mu_);
  if (drawn_) io_.err << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace photoagent::cli

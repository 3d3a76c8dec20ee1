// libFuzzer harness for the training-log progress parser
// (services::replicate::progress_from_logs), which reads whatever a trainer
// prints (tqdm bars, "5%|" followed by megabytes of anything). A finding: a
// sanitizer report, a leak, any exception escaping, a progress outside
// 0..1 or NaN, or a parse that takes more than linear time (libFuzzer's
// -timeout).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "photoagent/services/replicate/trainings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string logs(reinterpret_cast<const char*>(data), size);
  const auto p = photoagent::services::replicate::progress_from_logs(logs);
  if (p && (std::isnan(*p) || *p < 0.0 || *p > 1.0)) std::abort();
  // The same text behind a long run of noise, as a real log grows.
  const auto q = photoagent::services::replicate::progress_from_logs(std::string(4096, '=') + logs);
  if (q && (std::isnan(*q) || *q < 0.0 || *q > 1.0)) std::abort();
  return 0;
}

// /_delivery/{id}/{file}: output files, like replicate.delivery (no auth).
// Pictures are rendered on request from the job's parameters; they vanish
// (404) once the prediction's data is removed after output_ttl_s (seconds,
// fractions allowed).
#include "replicate.hpp"

namespace fakecloud {

void register_delivery(Router& r) {
  r.add("GET", "/_delivery/{id}/{file}", Auth::None, [](Ctx& c) {
    Job j;
    std::string extra_entry;  // config weights_extra_entry: a hostile tar on request
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      auto it = c.app.state.replicate.jobs.find(c.p("id"));
      auto now = Clock::now();
      if (it == c.app.state.replicate.jobs.end()) return c.send_text(404, "Not found\n", "text/plain");
      JobView v = view_job(it->second, now);
      // Outputs go with the prediction's data (output_ttl_s); weights have their own clock.
      double wttl = std::min(c.app.cfg_double("weights_ttl_s", 0), 1e9);
      bool expired = it->second.training
                         ? wttl > 0 && v.completed &&
                               now > *v.completed + std::chrono::duration_cast<Clock::duration>(
                                                        std::chrono::duration<double>(wttl))
                         : data_removed(c.app, it->second, v, now);
      if (v.status != "succeeded" || expired) return c.send_text(404, "Not found\n", "text/plain");
      j = it->second;
      extra_entry = c.app.cfg_str("weights_extra_entry", "");
      c.app.bump("deliveries");
    }
    const std::string& file = c.p("file");
    if (j.training) {
      if (file != "trained_model.tar") return c.send_text(404, "Not found\n", "text/plain");
      return c.send_download(make_weights_tar(j, extra_entry), "application/x-tar");
    }
    int index = -1;
    std::string suffix = "." + j.ext;
    if (j.kind == "image" && file == "output" + suffix) index = 0;
    if ((j.kind == "images" || j.kind == "trainer") && starts_with(file, "out-") && ends_with(file, suffix)) {
      std::string n = file.substr(4, file.size() - 4 - suffix.size());
      if (!n.empty() && n.size() < 4 && n.find_first_not_of("0123456789") == std::string::npos)
        index = std::stoi(n);
    }
    if (index < 0 || index >= j.num_outputs) return c.send_text(404, "Not found\n", "text/plain");
    std::string type;
    std::string bytes = render_image(j.ext, j.width, j.height, output_seed(j, index), type);
    c.send_download(bytes, type.c_str());
  });
}

}  // namespace fakecloud

// libFuzzer harness for what the Hugging Face Hub and SendGrid answer: the
// JSON readers of whoami, the inference provider mapping and SendGrid's
// scopes, fed the input as a body; then whole calls through a transport
// whose answers come from the same bytes: whoami and write checks, repo
// create, a two-file push (preupload, LFS batch with basic or multipart
// actions, presigned PUTs, verify, ndjson commit), the provider pre-check,
// text-to-image, and SendGrid's scopes and mail send. A finding: a sanitizer
// report, a leak, or any exception other than util::Error, TransportError or
// sendgrid::MaybeSent (the documented "may have been sent") escaping.
#include <cstddef>
#include <cstdint>
#include <string>

#include "photoagent/services/huggingface/inference.hpp"
#include "photoagent/services/huggingface/providers.hpp"
#include "photoagent/services/huggingface/repo.hpp"
#include "photoagent/services/huggingface/upload.hpp"
#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"
#include "stub_transport.hpp"

namespace hf = photoagent::services::huggingface;
namespace sg = photoagent::services::sendgrid;
using photoagent::services::Api;
using photoagent::services::Service;

template <class F>
static void expect_error_only(F&& f) {
  try {
    f();
  } catch (const photoagent::util::Error&) {
  } catch (const photoagent::net::TransportError&) {
  } catch (const sg::MaybeSent&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  expect_error_only([&] {
    const auto who = hf::parse_whoami(body);
    (void)hf::writable_targets(who);
    (void)hf::write_refusal(who, "ada-hf/ada-lora");
  });
  expect_error_only([&] { (void)hf::parse_provider_mapping(body); });
  expect_error_only([&] { (void)sg::parse_scopes(body); });

  FuzzedDataProvider fdp(data, size);
  const auto client = fuzz::stub_client(fdp);
  const Api hub(client, Service::huggingface, "hf_fuzz", "https://huggingface.co");
  const Api mail(client, Service::sendgrid, "SG.fuzz", "https://api.sendgrid.com");
  switch (fdp.ConsumeIntegralInRange<int>(0, 6)) {
    case 0: expect_error_only([&] { (void)hf::whoami(hub); hf::require_write_access(hub, "ada-hf/ada-lora"); }); break;
    case 1: expect_error_only([&] { (void)hf::create_repo(hub, "ada-hf/ada-lora"); }); break;
    case 2:
      expect_error_only([&] {
        const std::vector<hf::UploadFile> files{{"README.md", {}, "---\nlicense: other\n---\n# ada\n"},
                                                {"lora.safetensors", {}, std::string(4096, '\x01')}};
        (void)hf::upload_files(hub, "ada-hf/ada-lora", files, "Upload LoRA");
      });
      break;
    case 3: expect_error_only([&] { hf::require_hf_inference(hub, "stabilityai/sd3"); }); break;
    case 4: expect_error_only([&] { (void)hf::text_to_image(hub, "stabilityai/sd3", R"({"inputs":"x"})"); }); break;
    case 5: expect_error_only([&] { (void)sg::scopes(mail); }); break;
    default:
      expect_error_only([&] {
        (void)sg::send_mail(mail, sg::Mail{"me@example.com", "ada@example.com", "done", "text", "<p>html</p>"});
      });
      break;
  }
  return 0;
}

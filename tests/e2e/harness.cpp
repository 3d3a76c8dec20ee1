#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>

namespace e2e {
namespace fs = std::filesystem;

nlohmann::json Result::json() const {
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) FAIL((std::string("stdout is not JSON: [") + out + "] stderr: [" + err + "]"));
  return j;
}

namespace {

// The secrets audit (tests/secrets/audit.sh) runs the suite with
// PA_E2E_CANARY=1: the emulator accepts distinctive canary tokens instead of
// r8_good / hf_good / SG.good, every token a test hands photoagent (stdin,
// environment) becomes its canary, and the harness reports to the file in
// PA_E2E_CANARY_REPORT each canary it finds where none may be: photoagent's
// stdout or stderr, any file a test's folders hold after it (database, logs,
// cache, outputs; the credentials file excepted), and the emulator's count of
// a token reaching another service than its own. PA_E2E_DEBUG=1 adds --debug
// to every run; PA_E2E_CANARY_PLANT=1 plants one in each sandbox (self-check).
struct Canary {
  const char* plain;
  const char* canary;
  const char* config_key;  // the emulator's name for the token
  const char* service;     // where token_sightings may count it
};
constexpr Canary kCanaries[] = {
    {"r8_good", "r8_CANARYq7Xw2mRzT9vLk4pB", "replicate_token", "replicate"},
    {"hf_good", "hf_CANARYh3Jd8sWq1ZyNc6uE", "hf_token", "huggingface"},
    {"SG.good", "SG.CANARYs5Gf9kPa2.VbX0tYm", "sendgrid_token", "sendgrid"},
};

bool env_on(const char* name) {
  const char* v = getenv(name);
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

bool canary_mode() {
  static const bool on = env_on("PA_E2E_CANARY");
  return on;
}

std::string with_canaries(std::string s) {
  if (!canary_mode()) return s;
  for (const auto& c : kCanaries)
    for (auto at = s.find(c.plain); at != std::string::npos; at = s.find(c.plain, at + std::strlen(c.canary)))
      s.replace(at, std::strlen(c.plain), c.canary);
  return s;
}

std::string current_test() {
  const auto* o = doctest::getContextOptions();
  return o != nullptr && o->currentTest != nullptr ? o->currentTest->m_name : "?";
}

void report_leak(const std::string& what) {
  const char* file = getenv("PA_E2E_CANARY_REPORT");
  if (file == nullptr) return;
  std::ofstream(file, std::ios::app) << current_test() << ": " << what << "\n";
}

// Reports each canary in `text`, saying where it was.
void scan_for_canaries(const std::string& text, const std::string& where) {
  if (!canary_mode()) return;
  for (const auto& c : kCanaries)
    if (text.find(c.canary) != std::string::npos) report_leak(std::string(c.plain) + " canary in " + where);
}

void scan_tree_for_canaries(const fs::path& root) {
  if (!canary_mode()) return;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().filename() == "credentials.json") continue;  // where tokens belong
    std::ifstream f(it->path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), {});
    scan_for_canaries(bytes, "file " + it->path().string());
  }
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                   const std::string& input, int timeout_s, int signal_number, int signal_after_ms) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  std::vector<std::string> args = argv, envs;
  // Tests that call the emulator's API themselves use curl with the plain token.
  if (canary_mode() && !args.empty() && args[0] == "/usr/bin/curl")
    for (auto& a : args) a = with_canaries(a);
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  auto cargs = c_strings(args);
  auto cenv = c_strings(envs);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execve(cargs[0], cargs.data(), cenv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  if (input.empty()) close(in[1]);
  Result r;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(timeout_s);
  bool signalled = signal_number == 0;
  bool out_open = true, err_open = true, in_open = !input.empty();
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out[0], POLLIN, 0});
    if (err_open) fds.push_back({err[0], POLLIN, 0});
    if (in_open) fds.push_back({in[1], POLLOUT, 0});
    if (!signalled && std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(signal_after_ms)) {
      kill(pid, signal_number);
      signalled = true;
    }
    if (poll(fds.data(), fds.size(), signalled ? 200 : 10) < 0) continue;
    for (auto& p : fds) {
      if (p.fd == in[1] && (p.revents & (POLLOUT | POLLERR))) {
        ssize_t n = write(in[1], input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 || written == input.size()) {
          close(in[1]);
          in_open = false;
        }
      } else if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t n = read(p.fd, buf, sizeof buf);
        if (n <= 0) {
          close(p.fd);
          (p.fd == out[0] ? out_open : err_open) = false;
        } else {
          (p.fd == out[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
        }
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      r.err += "\n[harness: killed after " + std::to_string(timeout_s) + " s]";
      break;
    }
  }
  if (in_open) close(in[1]);
  if (out_open) close(out[0]);
  if (err_open) close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "photoagent-e2e-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  scan_tree_for_canaries(path_);
  std::error_code ec;
  fs::remove_all(path_, ec);
}

FakeCloud::FakeCloud(const std::vector<std::string>& extra_args) {
  int out[2];
  if (pipe2(out, O_CLOEXEC)) throw std::runtime_error("pipe");
  // FAKECLOUD_BIN in the environment picks another build of the emulator.
  const char* bin = getenv("FAKECLOUD_BIN") ? getenv("FAKECLOUD_BIN") : FAKECLOUD_BIN;
  std::vector<std::string> args{bin, "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto cargs = c_strings(args);
  pid_ = fork();
  if (pid_ == 0) {
    if (canary_mode())  // by environment, so no process list shows them
      for (const auto& c : kCanaries)
        setenv((std::string("FAKECLOUD_") + (c.config_key[0] == 'r' ? "REPLICATE" : c.config_key[0] == 'h' ? "HF" : "SENDGRID") +
                "_TOKEN").c_str(), c.canary, 1);
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (!getenv("FAKECLOUD_VERBOSE")) dup2(devnull, 2);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  close(out[1]);
  // The first line of stdout is the origin.
  std::string line;
  char c;
  pollfd p{out[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0 && read(out[0], &c, 1) == 1) line += c;
  close(out[0]);
  if (line.empty() || line.rfind("http://", 0) != 0) FAIL((std::string("fakecloud did not start: [") + line + "]"));
  origin_ = line.substr(0, line.find('\n'));
}

FakeCloud::~FakeCloud() {
  if (canary_mode() && pid_ > 0) {
    // Each token may reach only its own service (never storage URLs or another service).
    auto r = run_process({"/usr/bin/curl", "-sS", "--max-time", "20", origin_ + "/_fake/stats"}, {{"PATH", "/usr/bin:/bin"}});
    auto stats = nlohmann::json::parse(r.out, nullptr, false);
    if (!stats.is_discarded() && stats.contains("token_sightings"))
      for (const auto& c : kCanaries)
        if (stats["token_sightings"].contains(c.config_key))
          for (const auto& [service, n] : stats["token_sightings"][c.config_key].items())
            if (service != c.service) report_leak(std::string(c.plain) + " canary sent to " + service + " (" + n.dump() + " requests)");
  }
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
  }
}

namespace {
Result curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/curl", "-sS", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {{"PATH", "/usr/bin:/bin"}});
}
}  // namespace

nlohmann::json FakeCloud::get(const std::string& path) const {
  auto r = curl({origin_ + path});
  if (r.code != 0) FAIL((std::string("GET ") + path + " failed: " + r.err));
  return r.json();
}

std::string FakeCloud::get_text(const std::string& path) const {
  auto r = curl({origin_ + path});
  if (r.code != 0) FAIL((std::string("GET ") + path + " failed: " + r.err));
  return r.out;
}

nlohmann::json FakeCloud::post(const std::string& path, const nlohmann::json& body) const {
  auto r = curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body.dump(), origin_ + path});
  if (r.code != 0) FAIL((std::string("POST ") + path + " failed: " + r.err));
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json(r.out) : j;
}

Sandbox::Sandbox(const FakeCloud& cloud) {
  env = {
      {"HOME", dir_.path().string()},
      {"PATH", "/usr/bin:/bin"},
      {"PHOTOAGENT_HOME", data_dir().string()},
      {"PHOTOAGENT_CONFIG_DIR", config_dir().string()},
      {"HF_HOME", (dir_.path() / "hf").string()},
      {"REPLICATE_API_BASE_URL", cloud.origin() + "/v1"},
      {"HF_ENDPOINT", cloud.origin()},
      {"SENDGRID_API_BASE_URL", cloud.origin()},
      {"PHOTOAGENT_HF_INFERENCE_URL", cloud.origin()},
      {"NO_COLOR", "1"},
  };
  if (const char* asan = getenv("ASAN_OPTIONS")) env["ASAN_OPTIONS"] = asan;
  if (const char* ubsan = getenv("UBSAN_OPTIONS")) env["UBSAN_OPTIONS"] = ubsan;
  if (canary_mode() && env_on("PA_E2E_CANARY_PLANT")) {  // the audit's self-check: this must be reported
    fs::create_directories(data_dir());
    std::ofstream(data_dir() / "planted-canary.txt") << kCanaries[0].canary;
  }
}

Result Sandbox::run_and_signal(const std::vector<std::string>& args, int signal_number, int after_ms,
                              const std::map<std::string, std::string>& extra_env) const {
  auto e = env;
  for (const auto& [k, v] : extra_env) e[k] = with_canaries(v);
  std::vector<std::string> argv{PHOTOAGENT_BIN};
  if (env_on("PA_E2E_DEBUG") && std::find(args.begin(), args.end(), "--debug") == args.end()) argv.push_back("--debug");
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv, e, {}, 120, signal_number, after_ms);
  scan_for_canaries(r.out, "stdout");
  scan_for_canaries(r.err, "stderr");
  return r;
}

Result Sandbox::run(const std::vector<std::string>& args, const std::string& input,
                    const std::map<std::string, std::string>& extra_env, int timeout_s) const {
  auto e = env;
  for (const auto& [k, v] : extra_env) {
    if (v.empty()) e.erase(k);
    else e[k] = with_canaries(v);
  }
  std::vector<std::string> argv{PHOTOAGENT_BIN};
  if (env_on("PA_E2E_DEBUG") && std::find(args.begin(), args.end(), "--debug") == args.end()) argv.push_back("--debug");
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv, e, with_canaries(input), timeout_s);
  scan_for_canaries(r.out, "stdout of photoagent " + (args.empty() ? std::string() : args[0]));
  scan_for_canaries(r.err, "stderr of photoagent " + (args.empty() ? std::string() : args[0]));
  return r;
}

}  // namespace e2e

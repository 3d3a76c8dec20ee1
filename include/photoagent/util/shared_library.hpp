#pragma once
// A shared library opened with dlopen when a command first needs it (DESIGN
// §10 start-up): a command that never decodes an image or reads an archive
// does not pay for loading TurboJPEG, libwebp, libarchive (with libxml2 and
// ICU) or libcrypto. Each user keeps a small typed table of the functions it
// calls, filled once; the headers of the library are needed only for types.

#include <mutex>

namespace photoagent::util {

// What to open, and what to tell a user who does not have it.
struct LibrarySpec {
  const char* soname;   // Debian 12's, e.g. "libwebp.so.7"
  const char* package;  // the Debian package that ships it, e.g. "libwebp7"
  const char* purpose;  // completes "photoagent needs it to ...", e.g. "decode WebP images"
};

class SharedLibrary {
 public:
  // dlopen(RTLD_NOW | RTLD_LOCAL). Throws util::Error (exit 1, an
  // environment problem) naming the package to install when it fails. The
  // library is never closed: the function tables point into it for the life
  // of the process.
  explicit SharedLibrary(const LibrarySpec& spec);

  // Sets `fn` to the symbol `name`, or throws util::Error naming the package
  // (an older library without it). `Fn` comes from the library's header
  // (decltype(&::name)), so the compiler checks the signature.
  template <typename Fn>
  void bind(Fn& fn, const char* name) const {
    fn = reinterpret_cast<Fn>(symbol(name));
  }

 private:
  void* symbol(const char* name) const;

  LibrarySpec spec_;
  void* handle_ = nullptr;
};

// The function table `load` fills, filled the first time it is asked for
// (thread-safe; a load that throws is tried again by the next caller).
template <typename Api>
const Api& loaded_once(void (*load)(Api&)) {
  static Api api{};
  static std::once_flag once;
  std::call_once(once, [&] { load(api); });
  return api;
}

}  // namespace photoagent::util

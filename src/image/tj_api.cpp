#include "tj_api.hpp"

#include <mutex>

#include "photoagent/util/shared_library.hpp"

namespace photoagent::image::detail {
namespace {

void load(TjApi& t) {
  const util::SharedLibrary lib({"libturbojpeg.so.0", "libturbojpeg0", "read and write JPEG images"});
  lib.bind(t.init_decompress, "tjInitDecompress");
  lib.bind(t.init_compress, "tjInitCompress");
  lib.bind(t.destroy, "tjDestroy");
  lib.bind(t.free, "tjFree");
  lib.bind(t.get_error_str2, "tjGetErrorStr2");
  lib.bind(t.get_error_code, "tjGetErrorCode");
  lib.bind(t.decompress_header3, "tjDecompressHeader3");
  lib.bind(t.decompress2, "tjDecompress2");
  lib.bind(t.compress2, "tjCompress2");
}

}  // namespace

const TjApi& tj() {
  return util::loaded_once(load);
}

}  // namespace photoagent::image::detail

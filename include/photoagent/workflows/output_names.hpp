#pragma once
// generate --name TEMPLATE: the file names of outputs.
//
// Placeholders: {project} (the project, else the model's name), {style}
// ("none" without one), {seed} ("none" when the model takes none), {key}
// (the batch line's id, else the first 10 hex digits of the prediction's
// key), {n} (the image's number in its request, from 1), {date} (the
// generation's creation day, YYYY-MM-DD, UTC). The extension follows the
// image's format (a trailing .png/.jpg/.jpeg/.webp in the template is
// dropped). Without {n}, the second and later images of one prediction get
// "-N". Values are cleaned: path separators, control characters and
// characters some file systems refuse become "_", a leading dot too, each
// value is cut at 80 bytes and the name at 200; the template itself names a
// file, so a separator in it is refused: the folder is -o.
//
// A name never replaces a different picture: the same picture there is
// reused, a different one makes NAME-2, NAME-3... (as the default names do),
// unless --overwrite, which replaces it.

#include <string>
#include <string_view>

namespace photoagent::workflows {

struct NameFields {
  std::string project, style, key, date;
  long long seed = -1;
  int n = 1;
};

// util::Error (usage, exit 2): an unknown placeholder, an unclosed brace, a
// path separator, an empty name or one starting with a dot.
void check_name_template(const std::string& name_template);

// A value made safe for a file name.
std::string clean_name_value(std::string_view value);

// The file stem (no extension) for one image.
std::string expand_name(const std::string& name_template, const NameFields& fields);

}  // namespace photoagent::workflows

// The emulator's CLIP embedding model (krthr/clip-embeddings: `text` or
// `image` in, {"embedding": [...]} out). Not CLIP, but shaped like it where
// tests look: deterministic; words of one meaning (a small synonym table)
// share a direction, so related words land close; an image is described by
// what a caption would say of it (its dominant colour, brightness, shape)
// in the same word directions, plus a layout part from its pixels, so the
// same picture gives the same vector, a re-encoded or slightly changed one a
// near vector, and "red" finds red pictures. Like CLIP's raw features the
// vector is not of unit length.
#pragma once

#include <string>

#include "util.hpp"

namespace fakecloud {

// `input` as sent (the prediction's input object); `dim` components.
json clip_embedding_output(const json& input, int dim);

}  // namespace fakecloud

#pragma once
// Text from elsewhere (service error bodies, training logs, model captions)
// made safe to print: a hostile or broken answer must not drive the terminal
// (escape sequences that move the cursor, retitle the window or hide text)
// nor show a secret it happens to echo.

#include <string>
#include <string_view>
#include <vector>

namespace photoagent::util {

// Registers a secret (an API token) for the life of the process: printable()
// masks it wherever it appears. Empty and very short values are ignored, so
// they cannot blank out ordinary text.
void remember_secret(std::string_view secret);

// The text with every terminal control removed: ESC sequences (CSI, OSC,
// DCS/SOS/PM/APC and two-byte ones, each with its payload), C0 controls
// except newline and tab, DEL, C1 controls (U+0080..U+009F), bidirectional
// overrides; carriage returns become newlines and invalid UTF-8 becomes
// U+FFFD. Each remembered secret and each of `secrets` is replaced by its
// mask (mask_token). The result is never longer than 3x the input.
std::string printable(std::string_view text, const std::vector<std::string>& secrets = {});

// The same, on one line: newlines and tabs become single spaces, for error
// messages and table cells.
std::string printable_line(std::string_view text, const std::vector<std::string>& secrets = {});

}  // namespace photoagent::util

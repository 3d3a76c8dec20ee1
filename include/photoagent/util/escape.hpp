#pragma once
// Inserting text that came from elsewhere (API answers, config, user input)
// into documents photoagent writes: the notification email's HTML and the
// Hugging Face model card (Markdown with YAML front matter). Inserted text
// must stay text: it may not open tags, close a code block or add YAML keys.

#include <string>
#include <string_view>

namespace photoagent::util {

// & < > " ' as entities: safe in element content and quoted attributes.
std::string html_escape(std::string_view text);

// A YAML scalar that reads back as exactly `text`: plain when it is a simple
// word (letters, digits, _ . / -, not true/null/yes-like), else double-quoted
// with \\, \", \n, \t and \xNN escapes: one line whatever the text holds,
// never a new key or document.
std::string yaml_scalar(std::string_view text);

// A Markdown code span: enough backticks around the text that none inside
// closes it, newlines folded into spaces ("" for empty text).
std::string markdown_code(std::string_view text);

// A fenced Markdown code block of `content` tagged `lang`, fenced with more
// backticks than the longest run inside, so the content cannot end it.
std::string markdown_fence(std::string_view content, std::string_view lang);

// Markdown-escaped text for prose (\ ` * _ { } [ ] < > ( ) # + - ! | ~ and
// HTML-significant characters), newlines folded into spaces.
std::string markdown_text(std::string_view text);

}  // namespace photoagent::util

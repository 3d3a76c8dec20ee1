#pragma once
// libcurl's entry points, resolved with dlopen on first use (DESIGN §9:
// start-up). Only the functions photoagent calls are listed.

#include <curl/curl.h>

namespace photoagent::net::detail {

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  CURLcode (*easy_perform)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl once (thread-safe); throws util::Error when it is missing.
const CurlApi& curl();

}  // namespace photoagent::net::detail

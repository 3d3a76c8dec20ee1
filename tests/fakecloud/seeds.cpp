// The models that exist before any test runs. One table row per model; the
// input schemas are trimmed copies of the real ones (replicate.md §7) so that
// clients reading openapi_schema see the same names, defaults and limits.
#include "app.hpp"

namespace fakecloud {
namespace {

const char* kAspect = R"({"type":"string","title":"aspect_ratio","enum":["1:1","16:9","21:9","3:2","2:3","4:5","5:4","3:4","4:3","9:16","9:21"]})";
const char* kAspectCustom = R"({"type":"string","title":"aspect_ratio","enum":["1:1","16:9","21:9","3:2","2:3","4:5","5:4","3:4","4:3","9:16","9:21","custom"]})";
const char* kFormat = R"({"type":"string","title":"output_format","enum":["webp","jpg","png"]})";
const char* kMegapixels = R"({"type":"string","title":"megapixels","enum":["1","0.25"]})";
const char* kModel = R"({"type":"string","title":"model","enum":["dev","schnell"]})";
const char* kImagesOut = R"({"type":"array","title":"Output","items":{"type":"string","format":"uri"}})";

// Flux-style text-to-image input; `extra` adds or overrides properties.
json flux_input(int default_steps, int max_steps, bool custom_aspect, const char* extra) {
  json p = json::parse(R"({
    "prompt": {"type":"string","title":"Prompt","x-order":0},
    "aspect_ratio": {"allOf":[{"$ref":"#/components/schemas/aspect_ratio"}],"default":"1:1","x-order":1},
    "num_outputs": {"type":"integer","title":"Num Outputs","default":1,"minimum":1,"maximum":4,"x-order":2},
    "seed": {"type":"integer","title":"Seed","x-order":4},
    "output_format": {"allOf":[{"$ref":"#/components/schemas/output_format"}],"default":"webp","x-order":5},
    "output_quality": {"type":"integer","title":"Output Quality","default":80,"minimum":0,"maximum":100,"x-order":6},
    "disable_safety_checker": {"type":"boolean","title":"Disable Safety Checker","default":false,"x-order":7},
    "megapixels": {"allOf":[{"$ref":"#/components/schemas/megapixels"}],"default":"1","x-order":8}
  })");
  p["num_inference_steps"] = {{"type", "integer"}, {"title", "Num Inference Steps"},
                              {"default", default_steps}, {"minimum", 1},
                              {"maximum", max_steps}, {"x-order", 3}};
  if (custom_aspect) {
    p["width"] = {{"type", "integer"}, {"minimum", 256}, {"maximum", 1440}, {"x-order", 9}};
    p["height"] = {{"type", "integer"}, {"minimum", 256}, {"maximum", 1440}, {"x-order", 10}};
  }
  if (extra) p.update(json::parse(extra));
  json schemas = {{"aspect_ratio", json::parse(custom_aspect ? kAspectCustom : kAspect)},
                  {"output_format", json::parse(kFormat)},
                  {"megapixels", json::parse(kMegapixels)},
                  {"model", json::parse(kModel)},
                  {"Input", {{"type", "object"}, {"title", "Input"}, {"required", {"prompt"}},
                             {"properties", p}}},
                  {"Output", json::parse(kImagesOut)}};
  return schemas;
}

json wrap(json schemas) {
  return {{"openapi", "3.0.2"},
          {"info", {{"title", "Cog"}, {"version", "0.1.0"}}},
          {"paths", json::object()},
          {"components", {{"schemas", std::move(schemas)}}}};
}

// flux-fine-tuner's train() inputs (replicate.md §7.2).
json training_input() {
  return json::parse(R"({"type":"object","title":"TrainingInput","required":["input_images"],"properties":{
    "input_images":{"type":"string","format":"uri","x-order":0,"description":"A zip file containing the images that will be used for training. We recommend a minimum of 10 images."},
    "trigger_word":{"type":"string","default":"TOK","x-order":1},
    "autocaption":{"type":"boolean","default":true,"x-order":2},
    "autocaption_prefix":{"type":"string","x-order":3},
    "autocaption_suffix":{"type":"string","x-order":4},
    "steps":{"type":"integer","default":1000,"minimum":3,"maximum":6000,"x-order":5},
    "learning_rate":{"type":"number","default":0.0004,"x-order":6},
    "batch_size":{"type":"integer","default":1,"x-order":7},
    "resolution":{"type":"string","default":"512,768,1024","x-order":8},
    "lora_rank":{"type":"integer","default":16,"minimum":1,"maximum":128,"x-order":9},
    "caption_dropout_rate":{"type":"number","default":0.05,"minimum":0,"maximum":1,"x-order":10},
    "optimizer":{"type":"string","default":"adamw8bit","x-order":11},
    "cache_latents_to_disk":{"type":"boolean","default":false,"x-order":12},
    "layers_to_optimize_regex":{"type":"string","x-order":13},
    "gradient_checkpointing":{"type":"boolean","default":false,"x-order":14},
    "hf_repo_id":{"type":"string","x-order":15},
    "hf_token":{"type":"string","format":"password","x-cog-secret":true,"x-order":16},
    "wandb_api_key":{"type":"string","format":"password","x-cog-secret":true,"x-order":17},
    "wandb_project":{"type":"string","default":"flux_train_replicate","x-order":18},
    "wandb_run":{"type":"string","x-order":19},
    "wandb_entity":{"type":"string","x-order":20},
    "wandb_sample_interval":{"type":"integer","default":100,"minimum":1,"x-order":21},
    "wandb_sample_prompts":{"type":"string","x-order":22},
    "wandb_save_interval":{"type":"integer","default":100,"minimum":1,"x-order":23},
    "skip_training_and_use_pretrained_hf_lora_url":{"type":"string","x-order":24}}})");
}

const char* kFineTunePredict = R"({
  "image":{"type":"string","format":"uri"},
  "mask":{"type":"string","format":"uri"},
  "model":{"allOf":[{"$ref":"#/components/schemas/model"}],"default":"dev"},
  "lora_scale":{"type":"number","default":1,"minimum":-1,"maximum":3},
  "guidance_scale":{"type":"number","default":3,"minimum":0,"maximum":10},
  "prompt_strength":{"type":"number","default":0.8,"minimum":0,"maximum":1},
  "go_fast":{"type":"boolean","default":false},
  "extra_lora":{"type":"string"},
  "extra_lora_scale":{"type":"number","default":1,"minimum":-1,"maximum":3},
  "replicate_weights":{"type":"string"}})";

struct Seed {
  const char* owner;
  const char* name;
  const char* kind;  // output kind, see Model::kind
  bool official;
  std::vector<const char*> versions;  // oldest first; empty = one derived id
  json (*schema)();
  const char* description;
};

json schnell() { return flux_input(4, 4, false, R"({"go_fast":{"type":"boolean","default":true}})"); }
json dev() {
  return flux_input(28, 50, false, R"({"image":{"type":"string","format":"uri"},
    "prompt_strength":{"type":"number","default":0.8,"minimum":0,"maximum":1},
    "guidance":{"type":"number","default":3,"minimum":0,"maximum":10},
    "go_fast":{"type":"boolean","default":true}})");
}
json dev_lora() {
  json s = dev();
  s["Input"]["properties"].update(json::parse(R"({"lora_weights":{"type":"string"},
    "lora_scale":{"type":"number","default":1,"minimum":-1,"maximum":3}})"));
  return s;
}
json trainer() {
  json s = flux_input(28, 50, true, kFineTunePredict);
  s["TrainingInput"] = training_input();
  s["TrainingOutput"] = json::parse(
      R"({"type":"object","title":"TrainingOutput","required":["weights"],"properties":{"weights":{"type":"string","format":"uri"}}})");
  return s;
}
json sdxl() {
  json s = json::parse(R"({"Input":{"type":"object","title":"Input","properties":{
    "prompt":{"type":"string","default":"An astronaut riding a rainbow unicorn","x-order":0},
    "negative_prompt":{"type":"string","default":"","x-order":1},
    "image":{"type":"string","format":"uri","x-order":2},
    "width":{"type":"integer","default":1024,"x-order":4},
    "height":{"type":"integer","default":1024,"x-order":5},
    "num_outputs":{"type":"integer","default":1,"minimum":1,"maximum":4,"x-order":6},
    "num_inference_steps":{"type":"integer","default":50,"minimum":1,"maximum":500,"x-order":8},
    "guidance_scale":{"type":"number","default":7.5,"minimum":1,"maximum":50,"x-order":9},
    "seed":{"type":"integer","x-order":11},
    "lora_scale":{"type":"number","default":0.6,"minimum":0,"maximum":1,"x-order":15},
    "disable_safety_checker":{"type":"boolean","default":false,"x-order":17}}}})");
  s["Output"] = json::parse(kImagesOut);
  return s;
}
json blip() {
  return json::parse(R"({"task":{"type":"string","title":"task","enum":["image_captioning","visual_question_answering","image_text_matching"]},
    "Input":{"type":"object","title":"Input","required":["image"],"properties":{
      "image":{"type":"string","format":"uri","x-order":0},
      "task":{"allOf":[{"$ref":"#/components/schemas/task"}],"default":"image_captioning","x-order":1},
      "question":{"type":"string","x-order":2},
      "caption":{"type":"string","x-order":3}}},
    "Output":{"type":"string","title":"Output"}})");
}
json esrgan() {
  return json::parse(R"({"Input":{"type":"object","title":"Input","required":["image"],"properties":{
      "image":{"type":"string","format":"uri","x-order":0},
      "scale":{"type":"number","default":4,"minimum":0,"maximum":10,"x-order":1},
      "face_enhance":{"type":"boolean","default":false,"x-order":2}}},
    "Output":{"type":"string","format":"uri","title":"Output"}})");
}
json llama() {
  return json::parse(R"({"Input":{"type":"object","title":"Input","required":["prompt"],"properties":{
      "prompt":{"type":"string","x-order":0},
      "system_prompt":{"type":"string","default":"You are a helpful assistant","x-order":1},
      "max_tokens":{"type":"integer","default":512,"minimum":1,"x-order":2},
      "temperature":{"type":"number","default":0.6,"minimum":0,"maximum":5,"x-order":3},
      "top_p":{"type":"number","default":0.9,"minimum":0,"maximum":1,"x-order":4}}},
    "Output":{"type":"array","title":"Output","items":{"type":"string"},"x-cog-array-type":"iterator","x-cog-array-display":"concatenate"}})");
}
json clip() {
  return json::parse(R"({"Input":{"type":"object","title":"Input","properties":{
      "inputs":{"type":"string","default":"a\nb","description":"Newline-separated inputs. Can either be strings of text or image URIs starting with http[s]://","x-order":0}}},
    "Output":{"type":"array","title":"Output","items":{"type":"object"}}})");
}
// krthr/clip-embeddings (clip-vit-large-patch14): `image` is a Cog Path
// (format uri, so a data URI is accepted), `text` a plain string.
json clip_embeddings() {
  return json::parse(R"({"Input":{"type":"object","title":"Input","properties":{
      "text":{"type":"string","title":"Text","description":"Input text","x-order":0},
      "image":{"type":"string","format":"uri","title":"Image","description":"Input image","x-order":1}}},
    "Output":{"type":"object","title":"Output","required":["embedding"],"properties":{
      "embedding":{"type":"array","title":"Embedding","items":{"type":"number"}}}}})");
}

const std::vector<Seed>& seeds() {
  static const std::vector<Seed> table = {
      {"ostris", "flux-dev-lora-trainer", "trainer", false,
       {"e440909d3512c31646ee2e0c7d6f6f4923224863a6a10c494606e79fb5844497",
        "b6af14222e6bd9be257cbc1ea4afda3cd0503e1133083b9d1de0364d8568e6ef",
        "c6e78d2501e8088876e99ef21e4460d0dc121af7a4b786b9a4c2d75c620e300d"},
       trainer, "Fine-tune FLUX.1-dev using ai-toolkit"},
      {"black-forest-labs", "flux-schnell", "images", true, {}, schnell,
       "The fastest image generation model tailored for local development and personal use"},
      {"black-forest-labs", "flux-dev", "images", true, {}, dev,
       "A 12 billion parameter rectified flow transformer capable of generating images from text descriptions"},
      {"black-forest-labs", "flux-dev-lora", "images", true, {}, dev_lora,
       "A version of flux-dev, a text to image model, that supports fast fine-tuned lora inference"},
      {"stability-ai", "sdxl", "images", false,
       {"39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
        "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc"},
       sdxl, "A text-to-image generative AI model that creates beautiful images"},
      {"salesforce", "blip", "text", false, {}, blip,
       "Generate image captions"},
      {"meta", "meta-llama-3-8b-instruct", "llm", true, {}, llama,
       "Base version of Llama 3, an 8 billion parameter language model from Meta"},
      {"sczhou", "codeformer", "image", false, {}, esrgan,
       "Robust face restoration algorithm for old photos / AI-generated faces"},
      {"nightmareai", "real-esrgan", "image", false, {}, esrgan,
       "Real-ESRGAN with optional face correction and adjustable upscale"},
      {"andreasjansson", "clip-features", "embedding", false, {}, clip,
       "Return CLIP features for the clip-vit-large-patch14 model"},
      {"krthr", "clip-embeddings", "clip", false,
       {"1c0371070cb827ec3c7f2f28adcdde54b50dcd239aa6faea0bc98b174ef03fb4"}, clip_embeddings,
       "Generate CLIP (clip-vit-large-patch14) text & image embeddings"},
  };
  return table;
}

}  // namespace

void seed_models(App& app) {
  auto& models = app.state.replicate.models;
  for (const auto& s : seeds()) {
    Model m;
    m.owner = s.owner;
    m.name = s.name;
    m.kind = s.kind;
    m.official = s.official;
    m.description = s.description;
    m.hardware = "gpu-h100";
    m.created_at = "2024-08-01T00:00:00.000000Z";
    m.run_count = 1000 + static_cast<long>(fnv1a(m.full()) % 100000);
    json schema = wrap(s.schema());
    std::vector<std::string> ids(s.versions.begin(), s.versions.end());
    if (ids.empty()) ids.push_back(stable_hex64(m.full()));
    int day = 1;
    for (const auto& id : ids) {
      Version v;
      v.id = id;
      v.created_at = "2025-0" + std::to_string(day++) + "-15T12:00:00.000000Z";
      v.openapi_schema = schema;
      m.versions.push_back(std::move(v));
    }
    models[m.full()] = std::move(m);
  }
}

// The schema every trained LoRA version gets (cog-flux HotswapPredictor, §7.5 B).
json trained_version_schema() { return wrap(flux_input(28, 50, true, kFineTunePredict)); }

}  // namespace fakecloud

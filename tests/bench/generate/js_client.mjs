// The official `replicate` npm client doing the same batch as
// `photoagent generate --batch`: a pool of CONCURRENCY workers, each calling
// replicate.run(model, {input}) (default wait mode "block" = `Prefer: wait`)
// and writing every output to OUT_DIR.
//
// run.sh copies this file next to a node_modules/ holding `replicate`, so the
// import resolves there.  Usage:
//   node js_client.mjs BASE_URL TOKEN MODEL PROMPTS.jsonl OUT_DIR CONCURRENCY
// Prints one JSON summary line on stdout.
import Replicate from "replicate";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [baseUrl, auth, model, promptsPath, outDir, concurrencyArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const items = readFileSync(promptsPath, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
mkdirSync(outDir, { recursive: true });

const replicate = new Replicate({ auth, baseUrl });

async function bytesOf(value) {
  // FileOutput (a ReadableStream with blob()) for https:/data: outputs.  The
  // emulator's delivery URLs are http://127.0.0.1:…, which the client leaves
  // as plain strings (it wraps only "https:"/"data:"), so fetch those with
  // the client's own fetch: the same single GET FileOutput would send.
  if (value && typeof value.blob === "function") return new Uint8Array(await (await value.blob()).arrayBuffer());
  if (typeof value === "string") {
    const fetchFn = replicate.fetch; // unbound, as FileOutput calls it
    const res = await fetchFn(value);
    if (!res.ok) throw new Error(`download ${value}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  throw new Error(`unexpected output ${JSON.stringify(value)}`);
}

let next = 0, images = 0, failed = 0;
const errors = [];
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= items.length) return;
    const { prompt, seed } = items[i];
    try {
      const output = await replicate.run(model, { input: { prompt, seed, num_outputs: 1, output_format: "png" } });
      const outputs = Array.isArray(output) ? output : [output];
      for (let k = 0; k < outputs.length; k++) {
        writeFileSync(join(outDir, `item-${String(i).padStart(4, "0")}-${k}.png`), await bytesOf(outputs[k]));
        images++;
      }
    } catch (e) {
      failed++;
      if (errors.length < 5) errors.push(String(e && e.message ? e.message : e));
    }
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const wall = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ items: items.length, images, failed, wall_s: wall, errors }));
process.exit(failed ? 6 : 0);

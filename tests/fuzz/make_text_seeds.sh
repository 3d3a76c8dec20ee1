#!/usr/bin/env bash
# Regenerates the seed corpora of the text harnesses in tests/fuzz/corpus/<harness>/:
# service answers in the recorded shapes (reference/replicate.md, hf_sendgrid.md)
# plus hostile variants (wrong types, deep nesting, huge numbers), batch files
# (JSON Lines and CSV), weights archives (the trainer's tar, and ones with ../,
# absolute, link and oversized entries) and trainer logs. Python 3 only.
set -euo pipefail
out=${1:-$(dirname "$0")/corpus}
python3 - "$out" <<'PY'
import gzip, io, json, os, sys, tarfile, zipfile
out = sys.argv[1]
def put(harness, name, data):
    d = os.path.join(out, harness); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(data if isinstance(data, bytes) else data.encode())
J = lambda o: json.dumps(o, separators=(",", ":"))
t = "2026-01-02T03:04:05.678Z"
pred = {"id": "q5mpr3b2x1rj00cm3x9t7w1ks4", "model": "black-forest-labs/flux-schnell", "version": "dp-4d0bcc010b3049749a251855f12800be",
        "input": {"prompt": "a lighthouse", "seed": 7}, "logs": "", "output": ["https://replicate.delivery/xezq/abc/out-0.webp"],
        "data_removed": False, "error": None, "status": "succeeded", "created_at": t, "started_at": t, "completed_at": t,
        "urls": {"get": "https://api.replicate.com/v1/predictions/q5mpr3b2x1rj00cm3x9t7w1ks4",
                 "cancel": "https://api.replicate.com/v1/predictions/q5mpr3b2x1rj00cm3x9t7w1ks4/cancel",
                 "web": "https://replicate.com/p/q5mpr3b2x1rj00cm3x9t7w1ks4"},
        "metrics": {"predict_time": 0.61, "total_time": 0.7}}
starting = dict(pred, status="starting", output=None); [starting.pop(k) for k in ("started_at", "completed_at", "metrics")]
expired = dict(pred, data_removed=True, output=None, input={}, logs=None)
train = {"id": "zz4ibbonubfz7carwiefibzgga", "model": "ostris/flux-dev-lora-trainer", "version": "c6e78d2501e8088876e99ef21e4460d0dc121af7a4b786b9a4c2d75c620e300d",
         "input": {"input_images": "https://api.replicate.com/v1/files/abc/download", "trigger_word": "TOK", "steps": 1000},
         "logs": "flux_train_replicate:  45%|████▌     | 450/1000 [01:02<01:16,  7.2it/s]", "status": "succeeded",
         "output": {"version": "ada-lab/ada:" + "b" * 64, "weights": "https://replicate.delivery/xezq/abc/trained_model.tar"},
         "error": None, "created_at": t, "started_at": t, "completed_at": t, "urls": {"get": "x", "cancel": "y"}, "metrics": {"predict_time": 1234.5}}
fileobj = {"id": "MTQzODcyMDct", "name": "ada.zip", "content_type": "application/zip", "size": 123456,
           "etag": "\"d41d8cd98f00b204e9800998ecf8427e\"", "checksums": {"sha256": "e3b0" * 16, "md5": "d41d8cd98f00b204e9800998ecf8427e"},
           "metadata": {}, "created_at": t, "expires_at": t, "urls": {"get": "https://api.replicate.com/v1/files/MTQzODcyMDct"}}
schema = {"openapi_schema": {"components": {"schemas": {"Input": {"type": "object", "required": ["prompt"], "properties": {
    "prompt": {"type": "string", "x-order": 0}, "seed": {"type": "integer", "x-order": 1},
    "num_outputs": {"type": "integer", "default": 1, "minimum": 1, "maximum": 4},
    "aspect_ratio": {"allOf": [{"$ref": "#/components/schemas/aspect_ratio"}], "default": "1:1"},
    "hf_token": {"type": "string", "format": "password"}}},
    "aspect_ratio": {"enum": ["1:1", "16:9"], "type": "string"}}}}}
model = {"url": "https://replicate.com/black-forest-labs/flux-schnell", "owner": "black-forest-labs", "name": "flux-schnell",
         "description": "fast", "visibility": "public", "is_official": True, "run_count": 1,
         "latest_version": dict(schema, id="a" * 64, created_at=t, cog_version="0.9.4")}
versions = {"next": None, "previous": None, "results": [dict(schema, id="a" * 64, created_at=t)]}
account = {"type": "user", "username": "ada-lab", "name": "Ada Lab", "github_url": None}
R = "fuzz_replicate_answers"
put(R, "prediction.json", J(pred)); put(R, "prediction_starting.json", J(starting)); put(R, "prediction_expired.json", J(expired))
put(R, "prediction_page.json", J({"next": "https://api.replicate.com/v1/predictions?cursor=cD0y", "previous": None, "results": [pred, starting, expired]}))
put(R, "training.json", J(train)); put(R, "training_page.json", J({"next": None, "previous": None, "results": [train]}))
put(R, "file.json", J(fileobj)); put(R, "model.json", J(model)); put(R, "versions.json", J(versions)); put(R, "account.json", J(account))
put(R, "problem.json", J({"title": "Input validation failed", "detail": "- input: prompt is required", "status": 422, "invalid_fields": [{"type": "required", "field": "input", "description": "prompt is required"}]}))
put(R, "throttled.json", J({"detail": "Request was throttled. Your rate limit resets in ~99999999999999999999999s.", "status": 429}))
put(R, "wrong_types.json", J(dict(pred, id=5, status=["succeeded"], urls="x", metrics={"predict_time": "fast"}, created_at=None)))
put(R, "deep_output.json", '{"id":"x","status":"succeeded","output":' + "[" * 200 + "]" * 200 + "}")
put(R, "huge_numbers.json", J(dict(pred, metrics={"predict_time": 1e308}, input={"seed": 1e300})))
put(R, "not_json.html", "<html><head><title>502 Bad Gateway</title></head></html>")
W = "fuzz_hf_sendgrid_answers"
who = {"type": "user", "id": "6", "name": "ada-hf", "fullname": "Ada", "email": "ada@example.com", "orgs": [{"type": "org", "name": "acme", "roleInOrg": "write"}],
       "auth": {"type": "access_token", "accessToken": {"displayName": "ci", "role": "fineGrained", "createdAt": t,
                "fineGrained": {"canReadGatedRepos": False, "global": [], "scoped": [{"entity": {"type": "org", "name": "acme", "_id": "1"}, "permissions": ["repo.write"]}]}}}}
put(W, "whoami.json", J(who)); put(W, "whoami_write.json", J(dict(who, auth={"type": "access_token", "accessToken": {"role": "write"}})))
put(W, "providers.json", J({"_id": "1", "id": "black-forest-labs/FLUX.1-schnell", "inferenceProviderMapping": {
    "hf-inference": {"status": "live", "providerId": "black-forest-labs/FLUX.1-schnell", "task": "text-to-image"},
    "replicate": {"status": "live", "providerId": "black-forest-labs/flux-schnell", "task": "text-to-image"}}}))
put(W, "scopes.json", J({"scopes": ["mail.send", "alerts.read"]}))
put(W, "sendgrid_errors.json", J({"errors": [{"field": "from", "message": "The from address does not match a verified Sender Identity.", "help": None}]}))
put(W, "preupload.json", J({"files": [{"path": "lora.safetensors", "uploadMode": "lfs", "shouldIgnore": False, "oid": None},
                                      {"path": "README.md", "uploadMode": "regular", "shouldIgnore": False, "oid": "abc"}], "commitOid": "c" * 40}))
put(W, "lfs_batch.json", J({"transfer": "basic", "objects": [{"oid": "e3b0" * 16, "size": 4096, "authenticated": True,
    "actions": {"upload": {"href": "https://hf-hub-lfs-us-east-1.s3.amazonaws.com/x?X-Amz-Signature=y"}, "verify": {"href": "https://huggingface.co/ada-hf/ada-lora.git/info/lfs/objects/verify", "header": {"Authorization": "Basic x"}}}}]}))
put(W, "lfs_multipart.json", J({"transfer": "multipart", "objects": [{"oid": "e3b0" * 16, "size": 4096, "actions": {"upload": {
    "href": "https://huggingface.co/x/complete", "header": {"chunk_size": "2048", "00001": "https://s3/x?part=1", "00002": "https://s3/x?part=2"}}}}]}))
put(W, "commit.json", J({"success": True, "commitOid": "d" * 40, "commitUrl": "https://huggingface.co/ada-hf/ada-lora/commit/" + "d" * 40, "hookOutput": ""}))
put(W, "hf_error.json", J({"error": "Invalid credentials in Authorization header"}))
put(W, "wrong_types.json", J({"name": 5, "orgs": "acme", "auth": [], "scopes": [1, None]}))
put(W, "deep.json", "{\"a\":" * 300 + "1" + "}" * 300)
B = "fuzz_batch_file"
put(B, "lines.jsonl", "\n".join(J(o) for o in [{"prompt": "a lighthouse"}, {"prompt": "a fox", "seed": 5, "style": "cinematic", "n": 2},
    {"prompt": "x", "model": "stability-ai/sdxl:" + "a" * 64, "input": {"width": 512}}, {"id": "k1", "prompt": "p", "aspect": "16:9"},
    {"promt": "typo"}, {"prompt": "s", "seed": 1e300}]) + "\nnot json\n\n")
put(B, "table.csv", 'prompt,seed,style,model\n"a fox, in snow",5,cinematic,\n"quote ""inside""",,headshot,black-forest-labs/flux-schnell\nbad,notanumber,,\n')
put(B, "nul_and_utf8.csv", b'prompt,seed\n"caf\xc3\xa9",1\n"bad \xff\xfe",2\n"nul \x00 here",3\n')
T = "fuzz_training_log"
put(T, "tqdm.log", "Loading\nflux_train_replicate:   5%|▌         | 50/1000 [00:05<01:35,  9.9it/s]\nflux_train_replicate:  45%|████▌     | 450/1000 [01:02<01:16,  7.2it/s]\n")
put(T, "carriage_returns.log", "  1%|          | 1/100\r  2%|▏         | 2/100\r 99%|█████████▉| 99/100\r100%|██████████| 100/100\n")
put(T, "hostile.log", "5%|" + "x" * 5000 + "\n%%%|||| 999%| 1e300%|")
A = "fuzz_tar"
def tar(entries, gz=False):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz" if gz else "w", format=tarfile.USTAR_FORMAT) as tf:
        for name, kind, data in entries:
            ti = tarfile.TarInfo(name)
            if kind == "dir": ti.type = tarfile.DIRTYPE; tf.addfile(ti)
            elif kind == "sym": ti.type = tarfile.SYMTYPE; ti.linkname = data; tf.addfile(ti)
            elif kind == "hard": ti.type = tarfile.LNKTYPE; ti.linkname = data; tf.addfile(ti)
            else: ti.size = len(data); tf.addfile(ti, io.BytesIO(data))
    return b.getvalue()
st = b"\x10\x00\x00\x00\x00\x00\x00\x00" + b'{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}' + b"\x00\x01\x02\x03"
good = [("output/", "dir", b""), ("output/flux_train_replicate/", "dir", b""), ("output/flux_train_replicate/lora.safetensors", "file", st),
        ("output/flux_train_replicate/config.yaml", "file", b"rank: 16\n")]
put(A, "weights.tar", tar(good)); put(A, "weights.tar.gz", tar(good, gz=True))
put(A, "dotdot.tar", tar(good + [("../evil.safetensors", "file", st)]))
put(A, "absolute.tar", tar([("/tmp/evil.safetensors", "file", st)]))
put(A, "symlink_out.tar", tar([("output/link.safetensors", "sym", "/etc/passwd"), ("output/x.safetensors", "hard", "../../etc/passwd")]))
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as zf: zf.writestr("lora.safetensors", st); zf.writestr("../up.safetensors", st)
put(A, "zip_with_dotdot.zip", z.getvalue())
PY
find "$out" -type f | wc -l

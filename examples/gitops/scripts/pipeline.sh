#!/usr/bin/env bash
# The pipeline's shell steps, run in the configuration's folder (the workflows' `marketplace`)
# by .github/workflows/marketplace-trust.yml and marketplace-drift.yml, and by the provider's
# end-to-end tests, so that what is tested is what runs.
#
#   scripts/pipeline.sh plan    init, fmt -check, validate, plan -out, show; saves in saved-plan/:
#                               tfplan, plan.jsonl (plan -json), plan.txt (the plan as shown, then its warnings; posted on the pull request),
#                               show.txt, summary.md (what changes per app in the Marketplace
#                               form's words, posted above the plan; by marketplace-plan-summary),
#                               commit (the commit planned), .terraform.lock.hcl
#   scripts/pipeline.sh apply   applies saved-plan/tfplan, exactly, or refuses and writes nothing.
#                               Before any credential reaches Terraform it checks that the file is
#                               a readable plan of this commit: the configuration inside it, its
#                               variables and its backend are the checked-out commit's (a plan made
#                               elsewhere could send the credentials to another host), and the
#                               state is the one it was made from (when this very plan was applied
#                               already it says so and exits 0). Then a plan made now must do what
#                               the saved plan does (the Marketplace or the state changed since).
#                               Exit 0: applied, or already applied; 1: refused or failed.
#   scripts/pipeline.sh drift   plans the checked-out commit against the Marketplace and writes
#                               nothing: writes $DRIFT_DIR/drift.md (which app, which fields, changed
#                               by whom and when, what to do) and prints one word on its last line.
#                               Exit 0 and `clean`: the Marketplace holds what Git says;
#                               exit 2 and `drift`: it differs (drift.md says how);
#                               exit 1 and `error`: the check itself failed (drift.md says so).
#   Any other argument: this usage, exit 64.
#
# Environment: TF_BIN (default terraform; tofu works too), PLAN_COMMIT (the commit reviewed;
# default: git rev-parse HEAD), SAVED_PLAN_DIR (default saved-plan), DRIFT_DIR (default drift),
# PRECHECK (default true; false skips apply's comparison with a plan made now, leaving
# Terraform's and the provider's own checks, which refuse app by app), GITHUB_OUTPUT (set by
# GitHub Actions: plan writes changes=true|false and publish=<value>; drift writes
# status=clean|drift|error), SUMMARY_BIN (default marketplace-plan-summary, from PATH; without
# it no summary.md is written), MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN (given to Terraform
# only for a plan of the checked-out configuration and for the apply of a checked plan).
# Needs jq and python3.
set -euo pipefail

TF=${TF_BIN:-terraform}
SAVED=${SAVED_PLAN_DIR:-saved-plan}
export TF_IN_AUTOMATION=1 TF_INPUT=0

commit() {
  if [ -n "${PLAN_COMMIT:-}" ]; then echo "$PLAN_COMMIT"; else git rev-parse HEAD; fi
}

output() { # name=value for the workflow's later steps
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi
}

# tf_nocreds runs Terraform without the Marketplace credentials in its environment: for every
# step that reads a saved plan, which may not be the one reviewed, until it is checked.
tf_nocreds() { env -u MARKETPLACE_EMAIL -u MARKETPLACE_API_TOKEN "$TF" "$@"; }

REPLAN="re-run the plan job of the pull request (it plans again against what the Marketplace and the state hold now and posts the new plan), review that plan, then re-run this apply job."

# refuse WHY [WHAT_TO_DO] [WRITTEN]: the apply's refusal, said the same way whatever the
# cause, then exit 1.
refuse() {
  {
    echo
    echo "pipeline: APPLY REFUSED for commit $(commit)."
    echo "pipeline: $1"
    echo "pipeline: ${3:-Nothing was written to the Marketplace by this job.}"
    echo "pipeline: What to do: ${2:-$REPLAN}"
  } >&2
  exit 1
}

# inspect_plan PLANFILE: what the saved plan file holds, as one JSON object, read with no
# Terraform and no credentials: {"error": "missing|state|corrupt"} for a file that is no plan;
# else the state it was made from ({lineage, serial}), the configuration files inside it that
# differ from the checked-out ones (config_diff) and whether the backend it would apply to is
# this working directory's (backend_diff). Terraform applies a saved plan with the
# configuration and the backend stored in it, not with the checked-out files.
inspect_plan() {
  python3 - "$1" "${TF_DATA_DIR:-.terraform}" <<'PY'
import hashlib, json, os, struct, sys, zipfile

plan, data_dir = sys.argv[1], sys.argv[2]

def done(obj):
    print(json.dumps(obj))
    sys.exit(0)

if not os.path.isfile(plan):
    done({"error": "missing"})
try:
    z = zipfile.ZipFile(plan)
    if z.testzip() is not None or "tfplan" not in z.namelist():
        raise zipfile.BadZipFile("incomplete")
    raw = z.read("tfplan")
    state = json.loads(z.read("tfstate"))
    manifest = json.loads(z.read("tfconfig/modules.json"))
except Exception:
    try:
        with open(plan, encoding="utf-8") as f:
            doc = json.load(f)
        if isinstance(doc, dict) and "lineage" in doc and "serial" in doc:
            done({"error": "state"})
    except Exception:
        pass
    done({"error": "corrupt"})

def varint(b, i):
    n = shift = 0
    while True:
        c = b[i]; i += 1
        n |= (c & 0x7F) << shift; shift += 7
        if c < 0x80:
            return n, i

def fields(b):  # protobuf: (field number, value) of one message
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        wire = key & 7
        if wire == 0:
            v, i = varint(b, i)
        elif wire == 1:
            v, i = b[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(b, i); v, i = b[i:i + n], i + n
        elif wire == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield key >> 3, v

def mp(b, i):  # msgpack, as cty writes it; an unknown value (an extension) reads as "(unknown)"
    c = b[i]; i += 1
    if c <= 0x7F: return c, i
    if c >= 0xE0: return c - 256, i
    if 0x80 <= c <= 0x8F: return mp_map(b, i, c & 0x0F)
    if 0x90 <= c <= 0x9F: return mp_list(b, i, c & 0x0F)
    if 0xA0 <= c <= 0xBF: n = c & 0x1F; return b[i:i + n].decode(), i + n
    if c == 0xC0: return None, i
    if c in (0xC2, 0xC3): return c == 0xC3, i
    sizes = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4, 0xC7: 1, 0xC8: 2, 0xC9: 4,
             0xDC: 2, 0xDD: 4, 0xDE: 2, 0xDF: 4}
    if c in sizes:
        n = int.from_bytes(b[i:i + sizes[c]], "big"); i += sizes[c]
        if c in (0xC4, 0xC5, 0xC6): return b[i:i + n].hex(), i + n
        if c in (0xD9, 0xDA, 0xDB): return b[i:i + n].decode(), i + n
        if c in (0xC7, 0xC8, 0xC9): return "(unknown)", i + 1 + n
        if c in (0xDC, 0xDD): return mp_list(b, i, n)
        return mp_map(b, i, n)
    if c == 0xCA: return struct.unpack(">f", b[i:i + 4])[0], i + 4
    if c == 0xCB: return struct.unpack(">d", b[i:i + 8])[0], i + 8
    ints = {0xCC: (1, False), 0xCD: (2, False), 0xCE: (4, False), 0xCF: (8, False),
            0xD0: (1, True), 0xD1: (2, True), 0xD2: (4, True), 0xD3: (8, True)}
    if c in ints:
        n, signed = ints[c]
        return int.from_bytes(b[i:i + n], "big", signed=signed), i + n
    if 0xD4 <= c <= 0xD8: return "(unknown)", i + 1 + (1 << (c - 0xD4))
    raise ValueError("msgpack byte 0x%02x" % c)

def mp_list(b, i, n):
    out = []
    for _ in range(n):
        v, i = mp(b, i); out.append(v)
    return out, i

def mp_map(b, i, n):
    out = {}
    for _ in range(n):
        k, i = mp(b, i); v, i = mp(b, i); out[str(k)] = v
    return out, i

def settings(b):  # Backend or StateStore: type = 1, config = 2 (DynamicValue, msgpack = 1), workspace = 3
    s = {"type": "", "config": {}, "workspace": "default"}
    for num, v in fields(b):
        if num == 1: s["type"] = v.decode()
        elif num == 3: s["workspace"] = v.decode() or "default"
        elif num == 2:
            for n2, v2 in fields(v):
                if n2 == 1 and v2: s["config"] = mp(v2, 0)[0] or {}
    return s

def clean(config):
    return {k: v for k, v in (config or {}).items() if v is not None}

result = {"state": {"lineage": state.get("lineage", ""), "serial": state.get("serial", 0)}}

# The backend (field 13) or state store (field 29) the apply would write the state to, and
# its workspace, against this working directory's: what init recorded, and the workspace
# selected.
try:
    saved = {"backend": None, "state_store": None}
    for num, v in fields(raw):
        if num == 13: saved["backend"] = settings(v)
        elif num == 29: saved["state_store"] = settings(v)
    try:
        with open(os.path.join(data_dir, "terraform.tfstate"), encoding="utf-8") as f:
            local = json.load(f)
    except FileNotFoundError:
        local = {}
    workspace = os.environ.get("TF_WORKSPACE", "")
    if not workspace:
        try:
            with open(os.path.join(data_dir, "environment"), encoding="utf-8") as f:
                workspace = f.read().strip()
        except FileNotFoundError:
            pass
    workspace = workspace or "default"
    diff = []
    for kind in ("backend", "state_store"):
        want = local.get(kind)
        if kind == "backend" and want is None and local.get("state_store") is None:
            want = {"type": "local", "config": {}}
        have = saved[kind]
        if (want is None) != (have is None):
            diff.append("the %s block" % kind)
            continue
        if have is None:
            continue
        if have["type"] != want.get("type"):
            diff.append("the %s type (%s, not %s)" % (kind, have["type"], want.get("type")))
            continue
        a, b = clean(have["config"]), clean(want.get("config"))
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if keys:
            diff.append("the %s %s's %s" % (have["type"], kind, ", ".join(keys)))
        if have["workspace"] != workspace:
            diff.append("the workspace (%s, not %s)" % (have["workspace"], workspace))
    result["backend_diff"] = diff
except Exception as e:  # a plan file Terraform wrote always decodes
    result["backend_diff"] = ["its backend, which cannot be read (%s)" % e]

# The configuration inside the plan (tfconfig/: each module's files, by name, and the
# folder it was loaded from) against the checked-out files.
diff = []
suffixes = (".tf", ".tf.json", ".tofu", ".tofu.json")
for module in manifest:
    prefix = "tfconfig/m-%s/" % module.get("Key", "")
    folder = module.get("Dir") or "."
    inside = {n[len(prefix):]: n for n in z.namelist() if n.startswith(prefix) and "/" not in n[len(prefix):]}
    for name, entry in sorted(inside.items()):
        path = os.path.normpath(os.path.join(folder, name))
        try:
            with open(path, "rb") as f:
                same = hashlib.sha256(f.read()).digest() == hashlib.sha256(z.read(entry)).digest()
        except OSError:
            same = False
        if not same:
            diff.append(path)
    try:
        here = [n for n in os.listdir(folder) if n.endswith(suffixes) and os.path.isfile(os.path.join(folder, n))]
    except OSError:
        here = []
    diff += sorted(os.path.normpath(os.path.join(folder, n)) for n in here if n not in inside)
result["config_diff"] = diff
done(result)
PY
}

# changes PLAN_JSON: what a plan would do, per resource, as canonical JSON.
changes() {
  jq -S '[.resource_changes[]? | {address, actions: .change.actions,
    before: .change.before, after: .change.after, after_unknown: .change.after_unknown}] | sort_by(.address)' "$1"
}

# applied PLAN_JSON STATE_JSON: whether the state already holds what the plan writes: every
# resource it creates or changes has the values it plans (those it knew at plan time), and
# every resource it destroys is gone.
applied() {
  jq -e -n --slurpfile plan "$1" --slurpfile state "$2" '
    def known($u): if $u == true then "(known after apply)"
      elif ($u | type) == "object" and (type == "object" or type == "null") then
        (. // {}) + ($u | with_entries(select(.value == true) | .value = null)) | with_entries(.key as $k | .value |= known($u[$k] // false))
      elif ($u | type) == "array" and type == "array" then [range(length) as $i | .[$i] | known($u[$i] // false)]
      else . end;
    ([$state[0].values.root_module? // {} | recurse(.child_modules[]?) | .resources[]? | {key: .address, value: .values}]
      | from_entries) as $now
    | all($plan[0].resource_changes[]? | select(.change.actions != ["no-op"] and .change.actions != ["read"]);
        if .change.actions == ["delete"] then $now[.address] == null
        else .change.after_unknown as $u | $now[.address] != null and (($now[.address] | known($u)) == (.change.after | known($u))) end)' >/dev/null
}

# plan_messages JSONL ERR: the messages and diagnostics of a `plan -json` (the API's errors,
# the pending drafts, the fields kept), as text, then what it wrote to standard error.
plan_messages() {
  jq -r -R 'fromjson? | select(.type == "diagnostic" or .type == "change_summary") | .["@message"] +
    (if .diagnostic.detail then "\n  " + (.diagnostic.detail | gsub("\n"; "\n  ")) else "" end)' "$1"
  cat "$2"
}

plan() {
  local sha code
  sha=$(commit)
  rm -rf "$SAVED"
  mkdir -p "$SAVED"
  "$TF" init -input=false -no-color
  "$TF" fmt -check -recursive
  "$TF" validate -no-color
  set +e
  # -json: the plan's warnings (pending drafts, fields kept, fields a publish removes from the
  # live version) reach the summary as data; plan.txt is the plan as shown, then those messages.
  "$TF" plan -input=false -no-color -lock-timeout=10m -detailed-exitcode -json -out="$SAVED/tfplan" >"$SAVED/plan.jsonl" 2>"$SAVED/plan.err"
  code=$?
  set -e
  case $code in
  0) output changes=false ;;
  2) output changes=true ;;
  *)
    plan_messages "$SAVED/plan.jsonl" "$SAVED/plan.err" | tee "$SAVED/plan.txt"
    rm -f "$SAVED/tfplan"
    echo "pipeline: the plan failed (exit $code); no plan is saved for commit $sha" >&2
    exit 1
    ;;
  esac
  "$TF" show -no-color "$SAVED/tfplan" >"$SAVED/show.txt"
  { cat "$SAVED/show.txt"; echo; plan_messages "$SAVED/plan.jsonl" "$SAVED/plan.err"; } | tee "$SAVED/plan.txt"
  "$TF" show -no-color -json "$SAVED/tfplan" >"$SAVED/plan.json"
  local summary
  if summary=$(command -v "${SUMMARY_BIN:-marketplace-plan-summary}"); then
    "$summary" -diagnostics "$SAVED/plan.jsonl" "$SAVED/plan.json" >"$SAVED/summary.md"
  else
    echo "pipeline: ${SUMMARY_BIN:-marketplace-plan-summary} not found: no summary for reviewers" >&2
  fi
  output "publish=$(jq -r '.variables.publish.value | if . == null then "n/a" else tostring end' "$SAVED/plan.json")"
  if [ -f .terraform.lock.hcl ]; then cp .terraform.lock.hcl "$SAVED/.terraform.lock.hcl"; fi
  echo "$sha" >"$SAVED/commit"
  echo "pipeline: plan of commit $sha saved in $SAVED/"
}

# check_plan: everything apply checks of the saved plan with no credentials in Terraform's
# environment; returns only when the plan is this commit's, readable, made with this
# provider build, for this configuration, variables and backend, and not applied yet.
check_plan() {
  local sha planned info code
  sha=$(commit)
  if [ ! -f "$SAVED/tfplan" ] || [ ! -f "$SAVED/commit" ]; then
    refuse "No saved plan for this commit ($SAVED/tfplan and $SAVED/commit are missing): the plan job did not run for it, failed, or its artifact expired."
  fi
  planned=$(cat "$SAVED/commit")
  if [ "$planned" != "$sha" ]; then
    refuse "The saved plan is of commit $planned, not of this one: it is not the plan reviewed for this commit."
  fi
  info=$(inspect_plan "$SAVED/tfplan")
  case $(jq -r '.error // empty' <<<"$info") in
  state) refuse "$SAVED/tfplan is a Terraform state file, not a saved plan: the artifact holds the wrong file." ;;
  corrupt | missing) refuse "$SAVED/tfplan is not a readable plan file (truncated or corrupt: a broken upload or download of the artifact, or an edit)." ;;
  esac

  # The providers the plan was made with: the lock file saved with it, read-only.
  if [ -f "$SAVED/.terraform.lock.hcl" ]; then cp "$SAVED/.terraform.lock.hcl" .terraform.lock.hcl; fi
  set +e
  tf_nocreds init -input=false -no-color -lockfile=readonly >"$SAVED/init.txt" 2>&1
  code=$?
  set -e
  cat "$SAVED/init.txt"
  if [ $code -ne 0 ]; then
    if grep -q -i -e "checksum" "$SAVED/init.txt"; then
      refuse "The saved plan was made with another build of the provider than this job installs (its lock file's checksums do not match the provider package here)." \
        "check that both jobs install the same provider release from the same source (the version in main.tf and the committed .terraform.lock.hcl), then $REPLAN"
    fi
    refuse "terraform init failed (above), so the saved plan cannot be checked." "fix what the error above says (the backend's access, the provider's source), then re-run this apply job."
  fi
  # Re-read now that init has recorded this directory's backend.
  info=$(inspect_plan "$SAVED/tfplan")

  set +e
  tf_nocreds show -no-color -json "$SAVED/tfplan" >"$SAVED/plan.json" 2>"$SAVED/show.err"
  code=$?
  set -e
  if [ $code -ne 0 ]; then
    cat "$SAVED/show.err" >&2
    if grep -q -i -e "checksum" -e "lock file" -e "dependency" "$SAVED/show.err"; then
      refuse "The saved plan was made with another build of the provider than this job installs (the error above)." \
        "check that both jobs install the same provider release from the same source, then $REPLAN"
    fi
    refuse "$SAVED/tfplan is not a plan that $TF can read (the error above): it is corrupt, or was made by another Terraform version."
  fi

  # The whole plan is this commit's: the configuration inside it (provider settings such as
  # base_url included), the backend it applies to, and its variables' values. Else the
  # credentials could go to a host or a state that nobody reviewed.
  local differ
  differ=$(jq -r '.config_diff | join(", ")' <<<"$info")
  if [ -n "$differ" ]; then
    refuse "The configuration inside the saved plan is not this commit's (it differs in $differ): the plan was made from other files, so it is not the reviewed change, and its provider settings could send the credentials elsewhere." \
      "check who produced the artifact; $REPLAN"
  fi
  differ=$(jq -r '.backend_diff | join(", ")' <<<"$info")
  if [ -n "$differ" ]; then
    refuse "The saved plan would apply to another state than this commit's backend ($differ differ): it was made with another backend configuration." \
      "check who produced the artifact and that both jobs configure the backend alike; $REPLAN"
  fi
  local names expr now
  names=$(jq -r '.variables // {} | keys[]' "$SAVED/plan.json")
  if [ -n "$names" ]; then
    expr="base64encode(jsonencode({$(for n in $names; do printf '%s = var.%s, ' "$n" "$n"; done)}))"
    set +e
    now=$(tf_nocreds console <<<"$expr" 2>"$SAVED/console.err")
    code=$?
    set -e
    if [ $code -ne 0 ]; then
      cat "$SAVED/console.err" >&2
      refuse "The values this commit gives the variables cannot be read (the error above), so the saved plan's cannot be checked." \
        "fix what the error above says, then re-run this apply job."
    fi
    now=$(tr -d '"[:space:]' <<<"$now" | base64 -d)
    differ=$(jq -r -n --argjson now "$now" --slurpfile plan "$SAVED/plan.json" \
      '[$plan[0].variables | to_entries[] | select(.value.value != $now[.key]) | .key] | join(", ")')
    if [ -n "$differ" ]; then
      refuse "The saved plan's values of the variables $differ are not what this commit gives them (its tfvars files and defaults): the plan was made with other values, so it is not the reviewed change." \
        "check that both jobs set variables alike (only committed tfvars files, no TF_VAR_ or -var in one job only); $REPLAN"
    fi
  fi

  # The state is the one the plan was made from (Terraform's own rule for a saved plan):
  # else another apply ran since, or this very plan was applied already.
  local lineage serial state_lineage state_serial
  lineage=$(jq -r '.state.lineage' <<<"$info")
  serial=$(jq -r '.state.serial' <<<"$info")
  tf_nocreds state pull >"$SAVED/state.now" 2>"$SAVED/state.err" || {
    cat "$SAVED/state.err" >&2
    refuse "The state cannot be read from the backend (the error above)." "fix the backend's access, then re-run this apply job."
  }
  # No state yet reads as Terraform's empty one: no lineage, serial 0.
  state_lineage=$(jq -r -n '[inputs] | .[0].lineage // ""' "$SAVED/state.now")
  state_serial=$(jq -r -n '[inputs] | .[0].serial // 0' "$SAVED/state.now")
  if [ -n "$lineage" ] && [ "$lineage" != "$state_lineage" ]; then
    refuse "The saved plan was made from another state (lineage $lineage, the backend holds ${state_lineage:-none})." \
      "check that both jobs use the same backend and workspace; $REPLAN"
  fi
  if [ "$serial" != "$state_serial" ]; then
    tf_nocreds show -no-color -json >"$SAVED/state.json"
    if applied "$SAVED/plan.json" "$SAVED/state.json"; then
      echo "pipeline: already applied: nothing to do. The state already holds what this saved plan of commit $sha writes (it moved on from serial $serial to $state_serial when this plan, or an identical one, was applied); nothing was written by this job."
      exit 0
    fi
    refuse "The state changed since the plan was made (serial $serial, now $state_serial): another apply ran, so the saved plan is stale."
  fi
}

# check_credentials: the credentials the apply needs are there (the configuration may set
# them instead, as checked above).
check_credentials() {
  local missing=() var attr
  for var in MARKETPLACE_EMAIL MARKETPLACE_API_TOKEN; do
    attr=$([ "$var" = MARKETPLACE_EMAIL ] && echo email || echo api_token)
    if [ -z "$(tr -d '[:space:]' <<<"${!var:-}")" ] &&
      ! jq -e --arg a "$attr" '[.configuration.provider_config // {} | .[] | select(.name == "marketplace") | .expressions[$a]] | any' "$SAVED/plan.json" >/dev/null; then
      missing+=("$var")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    refuse "${missing[*]} is not set in this job, so it cannot write to the Marketplace; the saved plan itself is fine." \
      "add the secrets MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN to the repository (or to the marketplace environment) and re-run this apply job; no new plan is needed."
  fi
}

apply() {
  local code
  check_plan
  check_credentials

  # Before writing anything: a plan made now must be the saved plan. A colleague's edit in
  # the Marketplace UI makes them differ; the whole apply is then refused (the checks of
  # Terraform and of the provider below refuse only at the write, app by app, so other apps
  # of a stale plan could be written). It plans the checked-out configuration, which the
  # saved plan has been checked to hold.
  if [ "${PRECHECK:-true}" != false ]; then
    set +e
    "$TF" plan -input=false -no-color -lock-timeout=10m -out="$SAVED/now.tfplan" >"$SAVED/now.txt" 2>&1
    code=$?
    set -e
    if [ $code -ne 0 ]; then
      cat "$SAVED/now.txt" >&2
      refuse "Planning again to check the saved plan failed (above)."
    fi
    local differ
    "$TF" show -no-color -json "$SAVED/now.tfplan" >"$SAVED/now.json"
    differ=$(jq -rn --argjson saved "$(changes "$SAVED/plan.json")" --argjson now "$(changes "$SAVED/now.json")" '
      [($saved + $now | map(.address) | unique)[] as $a
        | select(([$saved[] | select(.address == $a)]) != ([$now[] | select(.address == $a)])) | $a] | join(", ")')
    if [ -n "$differ" ]; then
      echo "pipeline: a plan made now differs from the saved plan for: $differ. A plan made now:" >&2
      cat "$SAVED/now.txt" >&2
      refuse "The Marketplace or the state changed since the plan was reviewed (an edit in the Marketplace UI, or another apply), so the saved plan is not what would happen now: $differ."
    fi
  fi

  set +e
  "$TF" apply -input=false -no-color -lock-timeout=10m "$SAVED/tfplan" 2>&1 | tee "$SAVED/apply.txt"
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] && return 0
  if grep -q -e "Saved plan is stale" -e "Saved plan does not match the given state" "$SAVED/apply.txt"; then
    refuse "Terraform refused the saved plan: the state changed since the plan was made (another apply ran)."
  fi
  if grep -q -e "The Marketplace changed since the plan" -e "Provider produced inconsistent final plan" "$SAVED/apply.txt"; then
    refuse "The provider refused to write the apps named in the error above: the Marketplace changed since the plan was reviewed (an edit in the Marketplace UI)." \
      "$REPLAN" "Nothing was written for those apps; any other app of the plan that the output above shows as changed was applied."
  fi
  echo "pipeline: the apply failed (exit $code, above)." >&2
  exit "$code"
}

# drift_report PLAN_JSON: drift.md's words from a plan of the checked-out commit.
drift_report() {
  local sha=$1 json=$2
  echo "## The Marketplace differs from Git"
  echo
  echo "The nightly check planned commit \`$sha\` against the Marketplace on $(date -u '+%d %b %Y %H:%M UTC'): these apps' listing or pending draft is not what Git says. Nothing was written."
  echo
  jq -r '
    def app: (.index // .address) | tostring;
    def when: if . == null or . == "" then "at an unknown time" else "on \(.)" end;
    .resource_changes[]? | select(.type == "marketplace_privacy_security")
    | select(.change.actions != ["no-op"] and .change.actions != ["read"])
    | (.change.before // {}) as $b
    | "- **\(app)** (product \(.change.after.product_id // $b.product_id)): " +
      (if .change.before == null then "no document on the Marketplace any more (deleted, or never written): the apply would create it."
       else "its \(if $b.version_state == "live" then "live listing" else "pending draft" end) differs from Git; last changed by \($b.properties.updated_by // "an unknown account") \($b.properties.updated_at | when)\(if $b.properties.form_status then " (form status \($b.properties.form_status))" else "" end)." end)' "$json"
  echo
  echo "What to do, per app:"
  echo
  echo "- **Adopt the change in Git**: edit \`apps/<app>.json\` to hold what the Marketplace holds now and open a pull request; its plan shows no change for that app when they match."
  echo "- **Or restore what Git says**: open a pull request that touches this folder (a comment line is enough); its plan shows the restore for review, and merging applies it."
  echo
  echo "This issue is updated by each check while they differ and closed when they match again."
}

drift() {
  local sha code dir=${DRIFT_DIR:-drift}
  sha=$(commit)
  rm -rf "$dir"
  mkdir -p "$dir"
  # drift_error WHY: the check failed; drift.md says so, and the status is `error`, not `drift`.
  drift_error() {
    {
      echo "## The Marketplace drift check failed"
      echo
      echo "Checking commit \`$sha\` against the Marketplace failed: $1 Whether the Marketplace differs from Git is not known; see the job's log, fix the cause and re-run the check."
    } >"$dir/drift.md"
    echo "pipeline: the drift check failed: $1" >&2
    output status=error
    echo error
    exit 1
  }
  "$TF" init -input=false -no-color >"$dir/init.txt" 2>&1 || { cat "$dir/init.txt" >&2; drift_error "terraform init failed."; }
  set +e
  "$TF" plan -input=false -no-color -lock=false -detailed-exitcode -json -out="$dir/tfplan" >"$dir/plan.jsonl" 2>"$dir/plan.err"
  code=$?
  set -e
  # The log: the plan's messages and its diagnostics (the API's errors, the pending drafts).
  plan_messages "$dir/plan.jsonl" "$dir/plan.err" | tee "$dir/plan.txt" >&2
  case $code in
  0)
    echo "The Marketplace holds what Git says for every app (commit \`$sha\`, $(date -u '+%d %b %Y %H:%M UTC'))." >"$dir/drift.md"
    output status=clean
    echo clean
    return 0
    ;;
  2) ;;
  *) drift_error "terraform plan failed (exit $code)." ;;
  esac
  "$TF" show -no-color -json "$dir/tfplan" >"$dir/plan.json" || drift_error "terraform show of the plan failed."
  "$TF" show -no-color "$dir/tfplan" >"$dir/show.txt" || drift_error "terraform show of the plan failed."
  {
    drift_report "$sha" "$dir/plan.json"
    local summary
    if summary=$(command -v "${SUMMARY_BIN:-marketplace-plan-summary}") &&
      "$summary" -diagnostics "$dir/plan.jsonl" "$dir/plan.json" >"$dir/summary.md"; then
      echo
      echo "### Which fields"
      echo
      echo "(What an apply of Git's version would change, in the Marketplace form's words.)"
      echo
      cat "$dir/summary.md"
    fi
    echo
    echo "<details><summary>terraform plan</summary>"
    echo
    echo '```'
    tail -c 40000 "$dir/show.txt"
    echo '```'
    echo "</details>"
  } >"$dir/drift.md"
  output status=drift
  echo drift
  exit 2
}

case "${1:-}" in
plan) plan ;;
apply) apply ;;
drift) drift ;;
*)
  echo "usage: $0 plan|apply|drift (see the top of this script)" >&2
  exit 64
  ;;
esac

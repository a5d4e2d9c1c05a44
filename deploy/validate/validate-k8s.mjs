// Validates rendered Kubernetes manifests (multi-document YAML) against the Kubernetes API
// schemas: every object is looked up by apiVersion/kind in kubernetes-models (JSON schemas
// generated from the Kubernetes OpenAPI spec, compiled with ajv), @kubernetes-models/keda
// (KEDA CRDs) and @kubernetes-models/prometheus-operator (Prometheus Operator CRDs).
// Checks types, required fields, enums and formats of every field the schema knows; an object
// whose apiVersion/kind has no schema is an error. The compiled schemas ignore unknown fields
// (as the API server does unless asked for strict field validation), so a strict pass walks the
// same packages' type declarations (.d.ts, generated from the same OpenAPI definitions) and
// rejects any field the API does not define, e.g. a misspelt readOnlyRootFileSystem.
//   node validate-k8s.mjs FILE.yaml...      exit 1 on any violation
//   node validate-k8s.mjs --self-test       proves that broken objects are rejected
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const nodeModules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
import { parseAllDocuments } from "yaml";

function modulePath(apiVersion, kind) {
  if (!/^[A-Za-z0-9]+$/.test(kind)) return null;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "keda.sh") return `@kubernetes-models/keda/${group}/${version}/${kind}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

async function validateObject(obj) {
  if (!obj || typeof obj !== "object") return ["document is not an object"];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["missing apiVersion or kind"];
  const path = modulePath(apiVersion, kind);
  let mod;
  try { mod = path && await import(path); } catch { mod = null; }
  const Model = mod && mod[kind];
  if (!Model) return [`no schema for ${apiVersion} ${kind}`];
  const errors = [];
  const dts = join(nodeModules, path + ".d.ts");
  if (!declaration(dts)) errors.push(`no type declaration for the strict field check (${dts})`);
  else strictCheck(obj, dts, "", errors);
  try { new Model(obj).validate(); } catch (e) { errors.push(...String(e.message).split(/,\s*(?=data)/)); }
  const name = obj.metadata?.name;
  if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name))
    errors.push(`metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  return errors;
}

// --- strict pass: the fields each type declares, from the generated .d.ts files ---------------
// A declaration is a Map field -> child, child being another .d.ts file, an inline declaration
// (a nested Map) or null (scalar, map of arbitrary keys, IntOrString, Quantity, ...).
const declCache = new Map();
function declaration(file) {
  if (declCache.has(file)) return declCache.get(file);
  let decl = null;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    const imports = new Map();
    for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
      const spec = m[2].replace(/\.js$/, "");
      imports.set(m[1], spec.startsWith(".") ? resolve(dirname(file), spec + ".d.ts") : join(nodeModules, spec + ".d.ts"));
    }
    const lines = text.split("\n").filter(l => !/^\s*(\/\*\*|\*|\*\/)/.test(l));
    const start = lines.findIndex(l => /^export interface \w+(?: extends \w+)? \{$/.test(l));
    if (start >= 0) decl = parseBlock(lines, start + 1, 4, imports).props;
  }
  declCache.set(file, decl);
  return decl;
}

function parseBlock(lines, i, indent, imports) {
  const pad = " ".repeat(indent);
  let props = new Map();
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith(pad) || line[indent] === "}") break; // end of this block
    if (line.startsWith(pad + "[")) { props = null; continue; } // index signature: free-form map
    const m = line.slice(indent).match(/^"([^"]+)"\??: (.*?);?$/);
    if (!m) continue;
    const type = m[2];
    if (/\{$/.test(type)) { // inline object type, "{" or "Array<{"
      const inner = parseBlock(lines, i + 1, indent + 4, imports);
      if (props) props.set(m[1], inner.props ? { inline: inner.props } : null);
      i = inner.next;
      continue;
    }
    const named = type.match(/^(?:Array<)?(\w+)>?$/);
    if (props) props.set(m[1], named && imports.has(named[1]) ? { file: imports.get(named[1]) } : null);
  }
  return { props, next: i };
}

function strictCheck(value, file, path, errors, inline) {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) { value.forEach((v, i) => strictCheck(v, file, `${path}[${i}]`, errors, inline)); return; }
  const props = inline ?? declaration(file);
  if (!props) return;
  for (const [key, v] of Object.entries(value)) {
    if (!props.has(key)) { errors.push(`${path || "."}: unknown field "${key}"`); continue; }
    const child = props.get(key);
    if (child) strictCheck(v, child.file, path ? `${path}.${key}` : key, errors, child.inline);
  }
}

async function validateFile(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  let count = 0, bad = 0;
  for (const doc of docs) {
    if (doc.errors.length) { console.error(`${file}: YAML error: ${doc.errors[0].message}`); bad++; continue; }
    const obj = doc.toJS();
    if (obj === null) continue;
    count++;
    const errors = await validateObject(obj);
    if (errors.length) {
      bad++;
      for (const e of errors) console.error(`${file}: ${obj?.kind}/${obj?.metadata?.name}: ${e}`);
    }
  }
  if (count === 0) { console.error(`${file}: no objects`); bad++; }
  console.log(`${file}: ${count} objects, ${bad} invalid`);
  return bad;
}

async function selfTest() {
  const good = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
    spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "i", ports: [{ name: "grpc", containerPort: 50051 }],
        livenessProbe: { grpc: { port: 50051 } } }] } } } };
  const cases = [
    ["valid Deployment", good, true],
    ["containerPort as string", structuredClone(good), false, o => { o.spec.template.spec.containers[0].ports[0].containerPort = "50051"; }],
    ["missing containers", structuredClone(good), false, o => { delete o.spec.template.spec.containers; }],
    ["grpc probe without port", structuredClone(good), false, o => { o.spec.template.spec.containers[0].livenessProbe.grpc = {}; }],
    ["unknown field (misspelt readOnlyRootFilesystem)", structuredClone(good), false, o => { o.spec.template.spec.containers[0].securityContext = { readOnlyRootFileSystem: true }; }],
    ["unknown field at top of spec", structuredClone(good), false, o => { o.spec.replica = 2; }],
    ["unknown kind", { apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } }, false],
    ["ScaledObject without scaleTargetRef", { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "x" }, spec: { triggers: [] } }, false],
    ["ServiceMonitor endpoints not a list", { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" }, spec: { selector: {}, endpoints: {} } }, false],
  ];
  let failures = 0;
  for (const [label, obj, expectValid, mutate] of cases) {
    if (mutate) mutate(obj);
    const errors = await validateObject(obj);
    if ((errors.length === 0) !== expectValid) {
      failures++;
      console.error(`self-test FAILED: ${label}: expected ${expectValid ? "valid" : "invalid"}, got ${errors.join("; ") || "valid"}`);
    }
  }
  console.log(`validator self-test: ${cases.length - failures}/${cases.length} cases behave`);
  return failures;
}

const args = process.argv.slice(2);
let bad = 0;
if (args[0] === "--self-test") bad = await selfTest();
else for (const f of args) bad += await validateFile(f);
process.exit(bad ? 1 : 0);

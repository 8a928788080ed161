// Tokenizes with llama.cpp itself (node-llama-cpp's prebuilt CPU build), loading only a GGUF's vocabulary.
// Exits with 3 when the model cannot be loaded (e.g. a tokenizer type newer than the bundled llama.cpp).
// usage: node llama-cpp-tokenizer.mjs <node_modules dir> <model.gguf> <in.json> <out.json>
//   in  = [{"text": "...", "special": bool}, ...]   (special: parse control-token texts, as llama_tokenize's parse_special)
//   out = [{"ids": [...], "text": detokenize(ids, unparse_special = special)}, ...]   (add_special is off, as node-llama-cpp calls it)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, modelPath, inFile, outFile] = process.argv.slice(2);
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(join(modules, "node-llama-cpp/dist/index.js")).href);
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
let model;
try {
  model = await llama.loadModel({ modelPath, vocabOnly: true });
} catch (e) {
  console.error(String(e));
  process.exit(3); // this llama.cpp build does not support the vocabulary
}
const inputs = JSON.parse(readFileSync(inFile, "utf8"));
const out = inputs.map(({ text, special }) => {
  const ids = Array.from(model.tokenize(text, special));
  return { ids, text: model.detokenize(ids, special) };
});
writeFileSync(outFile, JSON.stringify(out));
await model.dispose();
await llama.dispose();

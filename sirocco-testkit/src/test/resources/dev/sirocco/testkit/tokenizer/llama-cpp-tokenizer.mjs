// Tokenizes with llama.cpp itself (node-llama-cpp's prebuilt CPU build), loading only each GGUF's vocabulary.
// usage: node llama-cpp-tokenizer.mjs <node_modules dir> <jobs.json> <out.json>
//   jobs = [{"model": "x.gguf", "inputs": [{"text": "...", "special": bool}, ...]}, ...]
//     special: parse control-token texts (llama_tokenize's parse_special; add_special is off, as node-llama-cpp calls it)
//   out  = per job, {"results": [{"ids": [...], "text": detokenize(ids, unparse_special = special)}, ...]}
//          or {"error": "..."} when this llama.cpp build cannot load the vocabulary
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, jobsFile, outFile] = process.argv.slice(2);
const { getLlama, LlamaLogLevel } = await import(pathToFileURL(join(modules, "node-llama-cpp/dist/index.js")).href);
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const out = [];
for (const job of JSON.parse(readFileSync(jobsFile, "utf8"))) {
  let model;
  try {
    model = await llama.loadModel({ modelPath: job.model, vocabOnly: true });
  } catch (e) {
    out.push({ error: String(e) });
    continue;
  }
  out.push({
    results: job.inputs.map(({ text, special }) => {
      const ids = Array.from(model.tokenize(text, special));
      return { ids, text: model.detokenize(ids, special) };
    }),
  });
  await model.dispose();
}
writeFileSync(outFile, JSON.stringify(out));
await llama.dispose();

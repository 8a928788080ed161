// Independent reference renderings of chat templates, for ChatTemplate's tests.
// Reads {"nodeModules": dir, "jobs": [...]} on stdin, writes {"results": [[{output}|{error}, ...], ...]} on stdout.
// A job renders its cases with one engine:
//   "lenml":    @lenml/tokenizers' apply_chat_template (a transformers.js fork) on the tokenizer package named by
//               "package" (e.g. "tokenizer-qwen3"); "template", "bos_token", "eos_token" override its config.
//   "hf-jinja": @huggingface/jinja's Template.render with the context transformers builds
//               (messages, tools, documents, add_generation_prompt, bos_token, eos_token, then the extras).
import { pathToFileURL } from "node:url";
import path from "node:path";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => (text += d));
  process.stdin.on("end", () => resolve(text));
}));
const nm = input.nodeModules;
const load = (rel) => import(pathToFileURL(path.join(nm, rel)).href);

const results = [];
for (const job of input.jobs) {
  const out = [];
  let render;
  if (job.engine === "lenml") {
    const pkg = await load(`@lenml/${job.package}/dist/main.mjs`);
    const config = {};
    if (job.template != null) config.chat_template = job.template;
    if (job.bos_token != null) config.bos_token = job.bos_token;
    if (job.eos_token != null) config.eos_token = job.eos_token;
    const tokenizer = pkg.fromPreTrained({ tokenizerConfig: config });
    render = (c) => tokenizer.apply_chat_template(c.messages, {
      tokenize: false, add_generation_prompt: c.add_generation_prompt, tools: c.tools ?? null, ...(c.extra ?? {}),
    });
  } else if (job.engine === "hf-jinja") {
    const { Template } = await load("@huggingface/jinja/dist/index.js");
    let template = null; // parsed on first use, so that a parse error is reported per case
    render = (c) => (template ??= new Template(job.template)).render({
      messages: c.messages, tools: c.tools ?? null, documents: null, add_generation_prompt: c.add_generation_prompt,
      bos_token: job.bos_token, eos_token: job.eos_token, ...(c.extra ?? {}),
    });
  } else {
    throw new Error(`unknown engine ${job.engine}`);
  }
  for (const c of job.cases) {
    try {
      out.push({ output: render(c) });
    } catch (e) {
      out.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  results.push(out);
}
process.stdout.write(JSON.stringify({ results }));

// llama.cpp as a test oracle: a long-lived process answering one JSON request per stdin line with
// one JSON reply per stdout line. Driven by dev.sirocco.testkit.LlamaCppOracle.
//
// Requests ({"id": n, "op": ..., "model": "/path/file.gguf", ...}):
//   info        -> {nVocab, bos, eos, addBos, addEos, vocabularyType}
//   tokenize    text, addSpecial, parseSpecial -> {tokens}
//   tokenizeAll texts, addSpecial, parseSpecial -> {tokens: [[...], ...]} (one round trip for many texts)
//   detokenize  tokens, special -> {text}
//   logits      tokens, all -> {nVocab, logits: [base64 little-endian float32[nVocab], ...]}
//               (one entry per position when all, else only the last position)
//   greedy      prompt, n, withLogits -> {tokens, gaps, logits: [base64 ...]} n steps, never stopping at EOS;
//               gaps[i] = top-1 minus top-2 logit at step i
// logits and greedy take optional context settings: kvType ("F32" default, "F16", "Q8_0", ...),
// flashAttention (false default) and lora ([{path, scale}]).
// Replies carry the request id and either "ok": true or "error": message.
//
// Settings chosen so logits are comparable to a plain F32 reference: CPU only, flash attention off,
// F32 K and V cache, a fixed thread count (the default oversubscribes small machines).
// LlamaCppOracle runs this script from a folder whose node_modules offers llama.cpp a single CPU backend
// variant (haswell: AVX2 + FMA by default; see dev.sirocco.testkit.PinnedCpuVariant): the AVX-512 and AMX
// variants round differently, which flips activation roundings now and then.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {createInterface} from "node:readline";
import {statSync} from "node:fs";

const threads = Number(process.env.SIROCCO_ORACLE_THREADS ?? "2");

// stdout carries the protocol only; anything else goes to stderr.
const reply = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
console.log = console.error;
console.info = console.error;

const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
    logger: (level, message) => process.stderr.write(`[llama.cpp ${level}] ${message}\n`),
});

// Loaded models, keyed by vocab-only flag and path; a rewritten file (new size or mtime) is reloaded.
// The least recently used are disposed beyond MAX_MODELS (tests write many small files).
const models = new Map();
const MAX_MODELS = 8;

async function loadModel(path, vocabOnly) {
    const st = statSync(path);
    const stamp = `${st.size}|${st.mtimeMs}`;
    const key = `${vocabOnly}|${path}`;
    const cached = models.get(key);
    if (cached != null) models.delete(key);
    if (cached != null && cached.stamp === stamp) {
        models.set(key, cached); // most recently used last
        return cached.model;
    }
    if (cached != null) await cached.model.dispose();
    while (models.size >= MAX_MODELS) {
        const [oldest, entry] = models.entries().next().value;
        models.delete(oldest);
        await entry.model.dispose();
    }
    const model = await llama.loadModel({modelPath: path, vocabOnly, gpuLayers: 0, useMmap: true});
    models.set(key, {stamp, model});
    return model;
}

// Any loaded model serves tokenization; prefer an already loaded full model over loading again.
async function vocabModel(path) {
    const st = statSync(path);
    const full = models.get(`false|${path}`);
    if (full != null && full.stamp === `${st.size}|${st.mtimeMs}`) return full.model;
    return loadModel(path, true);
}

async function withSequence(model, req, nTokens, fn) {
    const contextSize = Math.max(256, Math.ceil((nTokens + 1) / 256) * 256);
    const kvType = req.kvType ?? "F32";
    const options = {
        contextSize,
        batchSize: Math.min(contextSize, 512),
        sequences: 1,
        threads,
        flashAttention: req.flashAttention ?? false,
        experimentalKvCacheKeyType: kvType,
        experimentalKvCacheValueType: kvType,
        failedCreationRemedy: false,
    };
    if (req.lora != null && req.lora.length > 0) {
        options.lora = {adapters: req.lora.map((a) => ({filePath: a.path, scale: a.scale}))};
    }
    const context = await model.createContext(options);
    try {
        return await fn(context.getSequence());
    } finally {
        await context.dispose();
    }
}

function logitsVector(next, nVocab) {
    const v = new Float32Array(nVocab);
    v.fill(Number.NEGATIVE_INFINITY);
    for (const [token, logit] of next.logits) {
        v[token] = logit;
    }
    return v;
}

const base64 = (f32) => Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64");

function topTwo(v) {
    let best = 0;
    for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    let second = best === 0 ? 1 : 0;
    for (let i = 0; i < v.length; i++) if (i !== best && v[i] > v[second]) second = i;
    return [best, second];
}

const wantLogits = {generateNext: {token: true, logits: true}};

const ops = {
    async info(req) {
        const model = await vocabModel(req.model);
        return {
            nVocab: nVocabOf(model),
            bos: model.tokens.bos,
            eos: model.tokens.eos,
            addBos: model.tokens.shouldPrependBosToken,
            addEos: addsEos(model),
            vocabularyType: model.vocabularyType,
        };
    },
    async tokenize(req) {
        const model = await vocabModel(req.model);
        return {tokens: tokenize(model, req.text, req.addSpecial, req.parseSpecial)};
    },
    async tokenizeAll(req) {
        const model = await vocabModel(req.model);
        return {tokens: req.texts.map((text) => tokenize(model, text, req.addSpecial, req.parseSpecial))};
    },
    async detokenize(req) {
        const model = await vocabModel(req.model);
        return {text: model.detokenize(req.tokens, req.special)};
    },
    async logits(req) {
        const model = await loadModel(req.model, false);
        const nVocab = nVocabOf(model);
        return withSequence(model, req, req.tokens.length, async (seq) => {
            const input = req.tokens.map((t, i) => (req.all || i === req.tokens.length - 1) ? [t, wantLogits] : t);
            const out = await seq.controlledEvaluate(input);
            const logits = [];
            for (let i = 0; i < input.length; i++) {
                if (out[i] != null) logits.push(base64(logitsVector(out[i].next, nVocab)));
            }
            return {nVocab, logits};
        });
    },
    async greedy(req) {
        const model = await loadModel(req.model, false);
        const nVocab = nVocabOf(model);
        return withSequence(model, req, req.prompt.length + req.n, async (seq) => {
            const tokens = [], gaps = [], logits = [];
            let input = req.prompt.map((t, i) => i === req.prompt.length - 1 ? [t, wantLogits] : t);
            for (let step = 0; step < req.n; step++) {
                const out = await seq.controlledEvaluate(input);
                const next = out[input.length - 1].next;
                const v = logitsVector(next, nVocab);
                const [best, second] = topTwo(v);
                const chosen = next.token;
                if (chosen !== best) throw new Error(`llama.cpp chose ${chosen} but the argmax is ${best}`);
                tokens.push(chosen);
                gaps.push(v[best] - v[second]);
                if (req.withLogits) logits.push(base64(v));
                input = [[chosen, wantLogits]];
            }
            return {tokens, gaps, logits};
        });
    },
};

function tokenize(model, text, addSpecial, parseSpecial) {
    // The binding always tokenizes with add_special = false; llama_tokenize with add_special = true
    // differs only by the BOS/EOS it adds around the same tokens (SPM, BPE, UGM; see llama-vocab.cpp).
    const tokens = Array.from(model.tokenize(text, parseSpecial));
    if (addSpecial) {
        if (model.tokens.bos != null && model.tokens.shouldPrependBosToken) tokens.unshift(model.tokens.bos);
        if (model.tokens.eos != null && addsEos(model)) tokens.push(model.tokens.eos);
    }
    return tokens;
}

// llama_vocab_get_add_eos; node-llama-cpp's public shouldAppendEosToken also requires a BOS token, llama.cpp does not.
function addsEos(model) {
    return typeof model._model?.shouldAppendEosToken === "function"
        ? model._model.shouldAppendEosToken()
        : model.tokens.shouldAppendEosToken;
}

function nVocabOf(model) {
    // The vocabulary size is the length of tokenizer.ggml.tokens (= llama_vocab_n_tokens).
    return model.fileInfo.metadata.tokenizer.ggml.tokens.length;
}

const rl = createInterface({input: process.stdin, crlfDelay: Infinity});
reply({id: 0, ok: true, ready: true, threads});
for await (const line of rl) {
    if (line.trim() === "") continue;
    let req;
    try {
        req = JSON.parse(line);
        const op = ops[req.op];
        if (op == null) throw new Error(`unknown op ${req.op}`);
        reply({id: req.id, ok: true, ...(await op(req))});
    } catch (e) {
        reply({id: req?.id ?? -1, ok: false, error: String(e?.stack ?? e)});
    }
}
for (const entry of models.values()) await entry.model.dispose();
await llama.dispose();

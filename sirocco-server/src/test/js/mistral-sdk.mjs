// Drives a running Sirocco server with the official npm `@mistralai/mistralai` SDK (which validates every response
// against its schemas) and prints what it saw as one JSON line.
// Usage: node mistral-sdk.mjs NODE_MODULES_DIR SERVER_URL MODEL   (SERVER_URL without /v1: the SDK adds it)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, serverURL, model] = process.argv.slice(2);
// The package is ESM-only: import its entry point from NODE_MODULES_DIR directly.
const pkgDir = path.join(path.resolve(modulesDir), '@mistralai', 'mistralai');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const { Mistral } = await import(pathToFileURL(path.join(pkgDir, pkg.main)).href);
const client = new Mistral({ apiKey: 'unused-on-loopback', serverURL, retryConfig: { strategy: 'none' } });

const out = { ms: {} };
let t0 = performance.now();
const lap = (name) => { out.ms[name] = Math.round(performance.now() - t0); t0 = performance.now(); };
const list = await client.models.list();
out.modelIds = list.data.map((m) => m.id);
lap('list');
const card = await client.models.retrieve({ modelId: model });
out.card = { id: card.id, maxContextLength: card.maxContextLength, completionChat: card.capabilities.completionChat, type: card.type };

const params = { model, messages: [{ role: 'user', content: 'Say something.' }], maxTokens: 12, temperature: 0.7, randomSeed: 42 };
const whole = await client.chat.complete(params);
out.whole = { id: whole.id, text: whole.choices[0].message.content, finish: whole.choices[0].finishReason, usage: whole.usage };

lap('complete');
const stream = await client.chat.stream(params);
let text = '';
let finish = null;
for await (const event of stream) {
  for (const c of event.data.choices) {
    if (typeof c.delta.content === 'string') text += c.delta.content;
    if (c.finishReason) finish = c.finishReason;
  }
}
out.streamed = { text, finish };
lap('stream');

const emb = await client.embeddings.create({ model, inputs: ['hello there', 'general kenobi'] });
out.embeddings = { count: emb.data.length, dims: emb.data[0].embedding.length, index1: emb.data[1].index, usage: emb.usage };
lap('embeddings');

try {
  await client.chat.complete({ ...params, model: 'no-such-model' });
  out.unknownModel = { status: 0 };
} catch (e) {
  out.unknownModel = { status: e.statusCode ?? -1, name: e.constructor.name, body: e.body ?? null };
}
lap('error');

// Structured output in the SDK's own shape (responseFormat.jsonSchema.schemaDefinition goes out as json_schema.schema).
const schema = { type: 'object', properties: { answer: { type: 'string', maxLength: 6 }, score: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['answer', 'score'], additionalProperties: false };
const structured = await client.chat.complete({ ...params, maxTokens: 30,
  responseFormat: { type: 'json_schema', jsonSchema: { name: 'rating', schemaDefinition: schema, strict: true } } });
out.structured = { schema, text: structured.choices[0].message.content, finish: structured.choices[0].finishReason };
lap('structured');
console.log(JSON.stringify(out));

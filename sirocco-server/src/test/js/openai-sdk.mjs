// Drives a running Sirocco server with the official npm `openai` SDK and prints what it saw as one JSON line.
// Usage: node openai-sdk.mjs NODE_MODULES_DIR BASE_URL MODEL
// The SDK is loaded from NODE_MODULES_DIR (the test passes where it is installed), so this file needs no package.json.
import { createRequire } from 'node:module';
import path from 'node:path';

const [modulesDir, baseURL, model] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modulesDir), 'index.js'));
const OpenAI = require('openai');
// maxRetries 0: a 429 or 5xx must show up as the error it is, not be retried away.
const client = new OpenAI({ baseURL, apiKey: 'sk-unused-on-loopback', maxRetries: 0, timeout: 60_000 });

const out = {};
const list = await client.models.list();
out.modelIds = list.data.map((m) => m.id);
const card = await client.models.retrieve(model);
out.card = card;

const params = { model, messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 12, temperature: 0.7, seed: 42 };
const whole = await client.chat.completions.create(params);
out.whole = { id: whole.id, object: whole.object, text: whole.choices[0].message.content, role: whole.choices[0].message.role,
  finish: whole.choices[0].finish_reason, usage: whole.usage };

const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
let text = '';
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    if (c.delta?.content) text += c.delta.content;
    if (c.finish_reason) finish = c.finish_reason;
  }
}
out.streamed = { text, finish, usage, chunks };

const legacy = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 5, temperature: 0 });
out.legacy = { object: legacy.object, text: legacy.choices[0].text, finish: legacy.choices[0].finish_reason, usage: legacy.usage };

// The SDK asks for base64 by default and decodes it to floats itself; ask for floats too, to compare.
const emb64 = await client.embeddings.create({ model, input: ['hello there', 'general kenobi'] });
const embF = await client.embeddings.create({ model, input: 'hello there', encoding_format: 'float' });
out.embeddings = { count: emb64.data.length, dims: emb64.data[0].embedding.length, first: emb64.data[0].embedding,
                   floats: embF.data[0].embedding, usage: emb64.usage, object: emb64.object };

async function failure(call) {
  try {
    await call();
    return { status: 0 };
  } catch (e) {
    return { status: e.status ?? -1, name: e.constructor.name, param: e.param ?? null, code: e.code ?? null, message: e.message };
  }
}
out.unknownModel = await failure(() => client.chat.completions.create({ ...params, model: 'no-such-model' }));
out.badField = await failure(() => client.chat.completions.create({ ...params, temperature: 7 }));
out.unsupported = await failure(() => client.chat.completions.create({ ...params,
  response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string', pattern: 'a+' } } } }));

// Structured output: the test checks the answers against the schema it reads back from here.
const personSchema = { type: 'object', properties: { name: { type: 'string', maxLength: 8 }, age: { type: 'integer', minimum: 0, maximum: 120 },
  tags: { type: 'array', items: { enum: ['a', 'b', 'c'] }, maxItems: 3 } }, required: ['name', 'age', 'tags'], additionalProperties: false };
const structured = { ...params, max_tokens: 40, seed: 7,
  response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema: personSchema } } };
const schemaWhole = await client.chat.completions.create(structured);
let schemaStreamed = '';
for await (const chunk of await client.chat.completions.create({ ...structured, stream: true })) {
  for (const c of chunk.choices) if (c.delta?.content) schemaStreamed += c.delta.content;
}
const objectWhole = await client.chat.completions.create({ ...params, max_tokens: 24, response_format: { type: 'json_object' } });
out.structured = { schema: personSchema, whole: schemaWhole.choices[0].message.content, finish: schemaWhole.choices[0].finish_reason,
  streamed: schemaStreamed, object: objectWhole.choices[0].message.content, objectFinish: objectWhole.choices[0].finish_reason };

console.log(JSON.stringify(out));

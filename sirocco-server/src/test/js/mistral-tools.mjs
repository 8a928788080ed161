// Drives tool calling, assistant prefixes and safe_prompt on a running Sirocco server with the official npm
// `@mistralai/mistralai` SDK (which validates every response against its schemas) and prints what it saw as one JSON
// line. Usage: node mistral-tools.mjs NODE_MODULES_DIR SERVER_URL MODEL   (SERVER_URL without /v1)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, serverURL, model] = process.argv.slice(2);
const pkgDir = path.join(path.resolve(modulesDir), '@mistralai', 'mistralai');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const { Mistral } = await import(pathToFileURL(path.join(pkgDir, pkg.main)).href);
const client = new Mistral({ apiKey: 'unused-on-loopback', serverURL, retryConfig: { strategy: 'none' } });

const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather now',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const user = { role: 'user', content: 'Weather in Paris?' };
const out = {};

// The function-calling loop of Mistral's docs: the assistant's call, then the tool's result with name and id.
const roundTrip = await client.chat.complete({ model, tools, toolChoice: 'any', maxTokens: 3, temperature: 0, messages: [user,
  { role: 'assistant', content: '', toolCalls: [{ id: 'abcDEF123', type: 'function',
    function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
  { role: 'tool', name: 'get_weather', toolCallId: 'abcDEF123', content: '{"temperature": 21}' }] });
out.roundTrip = { role: roundTrip.choices[0].message.role, finish: roundTrip.choices[0].finishReason,
  promptTokens: roundTrip.usage.promptTokens };

const prefixed = { model, tools, maxTokens: 3, temperature: 0, messages: [user,
  { role: 'assistant', content: '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]', prefix: true }] };
const whole = await client.chat.complete(prefixed);
out.whole = { message: whole.choices[0].message, finish: whole.choices[0].finishReason };

const stream = await client.chat.stream(prefixed);
let content = '';
const toolCalls = [];
let finish = null;
for await (const event of stream) {
  for (const c of event.data.choices) {
    if (typeof c.delta.content === 'string') content += c.delta.content;
    if (c.delta.toolCalls) toolCalls.push(...c.delta.toolCalls);
    if (c.finishReason) finish = c.finishReason;
  }
}
out.streamed = { content, toolCalls, finish };

const plain = { model, maxTokens: 1, messages: [{ role: 'user', content: 'hi' }] };
out.safe = { on: (await client.chat.complete({ ...plain, safePrompt: true })).usage.promptTokens,
  off: (await client.chat.complete({ ...plain, safePrompt: false })).usage.promptTokens };

try {
  await client.chat.complete({ model, messages: [user, { role: 'tool', content: 'r' }] });
  out.noCallId = { status: 0 };
} catch (e) {
  out.noCallId = { status: e.statusCode ?? -1, body: e.body ?? null };
}
console.log(JSON.stringify(out));

// Drives tool calling on a running Sirocco server with the official npm `openai` SDK and prints what it saw as one
// JSON line. Usage: node openai-tools.mjs NODE_MODULES_DIR BASE_URL MODEL
import { createRequire } from 'node:module';
import path from 'node:path';

const [modulesDir, baseURL, model] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modulesDir), 'index.js'));
const OpenAI = require('openai');
const client = new OpenAI({ baseURL, apiKey: 'sk-unused-on-loopback', maxRetries: 0, timeout: 60_000 });

const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather now',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const user = { role: 'user', content: 'Weather in Paris?' };
const out = {};

// A tool result answering the assistant's call, sent back as OpenAI's docs show.
const roundTrip = await client.chat.completions.create({ model, tools, max_tokens: 3, temperature: 0, messages: [user,
  { role: 'assistant', content: null, tool_calls: [{ id: 'abcDEF123', type: 'function',
    function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
  { role: 'tool', tool_call_id: 'abcDEF123', content: '{"temperature": 21}' }] });
out.roundTrip = { role: roundTrip.choices[0].message.role, finish: roundTrip.choices[0].finish_reason,
  promptTokens: roundTrip.usage.prompt_tokens };

// Random weights call nothing by themselves: the call is written into an assistant prefix the answer carries.
const prefixed = { model, tools, max_tokens: 3, temperature: 0, messages: [user,
  { role: 'assistant', content: '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]', prefix: true }] };
const whole = await client.chat.completions.create(prefixed);
out.whole = { message: whole.choices[0].message, finish: whole.choices[0].finish_reason };

// The SDK's stream helper assembles deltas and checks every tool call has its id, name and arguments.
const stream = client.chat.completions.stream(prefixed);
let toolDeltas = 0;
stream.on('chunk', (chunk) => { for (const c of chunk.choices) if (c.delta.tool_calls) toolDeltas += c.delta.tool_calls.length; });
const final = await stream.finalChatCompletion();
out.streamed = { message: final.choices[0].message, finish: final.choices[0].finish_reason, toolDeltas };

try {
  await client.chat.completions.create({ model, tools, messages: [user], tool_choice: { type: 'function', function: { name: 'nope' } } });
  out.badChoice = { status: 0 };
} catch (e) {
  out.badChoice = { status: e.status, name: e.constructor.name, param: e.param ?? null };
}
console.log(JSON.stringify(out));

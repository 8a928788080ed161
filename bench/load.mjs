// Streams chat completions from an OpenAI-compatible server with C concurrent clients and reports
// aggregate generated tokens/s and time to first token (issue #8's serving benchmark).
//
//   node bench/load.mjs --url http://127.0.0.1:8080 --model ID --concurrency 4 --gen 64 --rounds 2
//
// Each client sends `rounds` requests one after another, each with its own prompt (no two clients share a
// prompt, so neither server's prompt cache helps). Tokens are the servers' own usage.completion_tokens.
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const url = args.url, model = args.model ?? 'model';
const concurrency = Number(args.concurrency ?? 1), gen = Number(args.gen ?? 64), rounds = Number(args.rounds ?? 2);

const words = 'the quick brown fox jumps over the lazy dog while a small bird sings in the old oak tree'.split(' ');
function prompt(client, round) {
  const out = [`Request ${client}-${round}:`];
  for (let i = 0; i < 48; i++) out.push(words[(client * 7 + round * 3 + i) % words.length]);
  return out.join(' ');
}

async function one(client, round) {
  const started = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model, stream: true, stream_options: { include_usage: true }, max_tokens: gen, temperature: 0,
      messages: [{ role: 'user', content: prompt(client, round) }],
    }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  let ttft = null, tokens = 0, buffer = '';
  const decoder = new TextDecoder();
  for await (const bytes of res.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      const data = event.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const chunk = JSON.parse(data);
      if (ttft === null && chunk.choices?.[0]?.delta?.content) ttft = performance.now() - started;
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
  }
  return { ttft, tokens };
}

const t0 = performance.now();
const results = (await Promise.all(Array.from({ length: concurrency }, async (_, c) => {
  const mine = [];
  for (let r = 0; r < rounds; r++) mine.push(await one(c, r));
  return mine;
}))).flat();
const seconds = (performance.now() - t0) / 1000;
const tokens = results.reduce((s, r) => s + r.tokens, 0);
const ttfts = results.map(r => r.ttft).filter(x => x !== null).sort((a, b) => a - b);
const median = ttfts.length ? ttfts[Math.floor(ttfts.length / 2)] : null;
console.log(JSON.stringify({ concurrency, requests: results.length, tokens, seconds,
  tokens_per_s: tokens / seconds, ttft_median_ms: median, ttft_max_ms: ttfts.at(-1) ?? null }));

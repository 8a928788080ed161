// Drives the files and fine-tuning jobs API with the official npm `openai` SDK and prints what it saw as one JSON line.
// Usage: node fine-tuning-sdk.mjs NODE_MODULES_DIR BASE_URL MODEL TRAIN_JSONL
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [modulesDir, baseURL, model, trainPath] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modulesDir), 'index.js'));
const OpenAI = require('openai');
const { toFile } = OpenAI;
const client = new OpenAI({ baseURL, apiKey: 'sk-unused-on-loopback', maxRetries: 0, timeout: 120_000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function failure(call) {
  try {
    await call();
    return { status: 0 };
  } catch (e) {
    return { status: e.status ?? -1, name: e.constructor.name, param: e.param ?? null, code: e.code ?? null, message: e.message };
  }
}

const out = {};
const train = await client.files.create({ file: fs.createReadStream(trainPath), purpose: 'fine-tune' });
const valid = await client.files.create({ file: await toFile(fs.readFileSync(trainPath), 'valid.jsonl'), purpose: 'fine-tune' });
out.train = train;
out.valid = valid;
out.retrieved = await client.files.retrieve(train.id);
out.fileIds = [];
for await (const f of client.files.list()) out.fileIds.push(f.id);
out.content = await (await client.files.content(train.id)).text();

const params = { model, training_file: train.id, validation_file: valid.id, suffix: 'pairs', seed: 1,
  hyperparameters: { n_epochs: 40, batch_size: 4, learning_rate_multiplier: 50 } };
const job = await client.fineTuning.jobs.create(params);
out.created = job;
// A second job waits behind the first (one at a time): cancel it.
const second = await client.fineTuning.jobs.create({ ...params, suffix: 'second' });
out.cancelled = await client.fineTuning.jobs.cancel(second.id);
out.cancelledAgain = await failure(() => client.fineTuning.jobs.cancel(second.id));

let done = job;
while (!['succeeded', 'failed', 'cancelled'].includes(done.status)) {
  await sleep(100);
  done = await client.fineTuning.jobs.retrieve(job.id);
}
out.done = done;
out.secondAfter = await client.fineTuning.jobs.retrieve(second.id);
out.jobIds = [];
for await (const j of client.fineTuning.jobs.list({ limit: 1 })) out.jobIds.push(j.id);
out.events = [];
for await (const e of client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) out.events.push(e);
out.checkpoints = [];
for await (const c of client.fineTuning.jobs.checkpoints.list(job.id)) out.checkpoints.push(c);

out.modelIds = (await client.models.list()).data.map((m) => m.id);
out.replies = {};
for (const prompt of ['people', 'world', 'water', 'made']) {
  const r = await client.chat.completions.create({ model: done.fine_tuned_model, messages: [{ role: 'user', content: prompt }],
    temperature: 0, max_tokens: 4 });
  out.replies[prompt] = r.choices[0].message.content;
}
out.unknownFile = await failure(() => client.files.retrieve('file-nope'));
out.unknownJob = await failure(() => client.fineTuning.jobs.retrieve('ftjob-nope'));
out.badJob = await failure(() => client.fineTuning.jobs.create({ ...params, hyperparameters: { n_epochs: 'many' } }));
out.deleted = await client.files.del ? await client.files.del(valid.id) : await client.files.delete(valid.id);
out.afterDelete = await failure(() => client.files.retrieve(valid.id));
console.log(JSON.stringify(out));

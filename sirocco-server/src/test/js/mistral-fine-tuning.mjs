// Drives the fine-tuning jobs API with the official npm `@mistralai/mistralai` SDK, which validates every response
// against its schemas, and prints what it saw as one JSON line. Mistral's SDK dropped fine-tuning jobs after 2.3.0,
// so this loads 2.3.0, installed beside the newer one under the npm alias `mistralai-fine-tuning`.
// Usage: node mistral-fine-tuning.mjs NODE_MODULES_DIR SERVER_URL MODEL TRAIN_JSONL   (SERVER_URL without /v1)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, serverURL, model, trainPath] = process.argv.slice(2);
const pkgDir = path.join(path.resolve(modulesDir), 'mistralai-fine-tuning');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const { Mistral } = await import(pathToFileURL(path.join(pkgDir, pkg.main)).href);
const client = new Mistral({ apiKey: 'unused-on-loopback', serverURL, retryConfig: { strategy: 'none' } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const jobs = client.fineTuning.jobs;

async function failure(call) {
  try {
    await call();
    return { status: 0 };
  } catch (e) {
    return { status: e.statusCode ?? -1, name: e.constructor.name, body: e.body ?? e.message };
  }
}

const request = (fileId) => ({
  model,
  trainingFiles: [{ fileId, weight: 1 }],
  validationFiles: [fileId],
  hyperparameters: { trainingSteps: 40, learningRate: 0.01, seqLen: 64 },
  suffix: 'mistral',
  autoStart: false,
});

const out = { pkgVersion: pkg.version };
const up = await client.files.upload({ file: { fileName: 'train.jsonl', content: readFileSync(trainPath) }, purpose: 'fine-tune' });
const created = await jobs.create(request(up.id));
out.created = created;
out.retrieved = await jobs.get({ jobId: created.id });
out.started = await jobs.start({ jobId: created.id });
out.startedAgain = await failure(() => jobs.start({ jobId: created.id }));
const listed = await jobs.list();
out.listed = { total: listed.total, ids: listed.data.map((j) => j.id), statuses: listed.data.map((j) => j.status) };
out.page = (await jobs.list({ page: 0, pageSize: 1 })).data.map((j) => j.id);

// a second job, waiting, is cancelled
const second = await jobs.create(request(up.id));
out.secondCreated = { id: second.id, status: second.status };
out.cancelled = await jobs.cancel({ jobId: second.id });

let done;
for (;;) {
  done = await jobs.get({ jobId: created.id });
  if (['SUCCESS', 'FAILED', 'FAILED_VALIDATION', 'CANCELLED'].includes(done.status)) break;
  await sleep(100);
}
out.done = done;
const ft = done.fineTunedModel;
out.replies = {};
for (const word of ['people', 'world']) {
  const r = await client.chat.complete({ model: ft, messages: [{ role: 'user', content: word }], maxTokens: 4, temperature: 0 });
  out.replies[word] = r.choices[0].message.content;
}
out.unknownJob = await failure(() => jobs.get({ jobId: 'ftjob-nope' }));
console.log(JSON.stringify(out));

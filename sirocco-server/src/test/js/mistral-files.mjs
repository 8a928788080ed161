// Drives the files API (and the model list, fine-tuned models included) with the official npm `@mistralai/mistralai`
// SDK, which validates every response against its schemas, and prints what it saw as one JSON line.
// Usage: node mistral-files.mjs NODE_MODULES_DIR SERVER_URL TRAIN_JSONL   (SERVER_URL without /v1)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, serverURL, trainPath] = process.argv.slice(2);
const pkgDir = path.join(path.resolve(modulesDir), '@mistralai', 'mistralai');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const { Mistral } = await import(pathToFileURL(path.join(pkgDir, pkg.main)).href);
const client = new Mistral({ apiKey: 'unused-on-loopback', serverURL, retryConfig: { strategy: 'none' } });

const out = {};
const up = await client.files.upload({ file: { fileName: 'mistral.jsonl', content: readFileSync(trainPath) }, purpose: 'fine-tune' });
out.uploaded = { id: up.id, sizeBytes: up.sizeBytes, filename: up.filename, purpose: up.purpose, numLines: up.numLines };
const got = await client.files.retrieve({ fileId: up.id });
out.retrieved = { id: got.id, deleted: got.deleted };
const list = await client.files.list();
out.listed = list.data.map((f) => f.id);
const stream = await client.files.download({ fileId: up.id });
out.content = await new Response(stream).text();
const del = await client.files.delete({ fileId: up.id });
out.deleted = del.deleted;
const models = await client.models.list();
out.models = models.data.map((m) => ({ id: m.id, type: m.type, job: m.job ?? null, root: m.root ?? null, fineTuning: m.capabilities.fineTuning }));
console.log(JSON.stringify(out));

// Copies the browser builds of the web app's libraries, with their licences, into the classpath resources
// (../resources/webapp/vendor), where they are committed. Run after `npm ci`: `npm run vendor`.
// Source-map comments are dropped: the maps are not shipped, and a browser would ask for them.
import {copyFileSync, mkdirSync, readFileSync, writeFileSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const out = join(here, '..', 'resources', 'webapp', 'vendor');

const files = [
  // [package, file inside it, name in vendor/]
  ['marked', 'lib/marked.esm.js', 'marked.esm.js'],
  ['dompurify', 'dist/purify.es.mjs', 'purify.es.mjs'],
  ['@highlightjs/cdn-assets', 'es/highlight.min.js', 'highlight.min.js'],
  ['@highlightjs/cdn-assets', 'styles/github.min.css', 'highlight-light.min.css'],
  ['@highlightjs/cdn-assets', 'styles/github-dark.min.css', 'highlight-dark.min.css'],
];
const licences = [
  ['marked', 'LICENSE', 'marked.LICENSE'],
  ['dompurify', 'LICENSE', 'dompurify.LICENSE'],
  ['@highlightjs/cdn-assets', 'LICENSE', 'highlight.js.LICENSE'],
];

rmSync(out, {recursive: true, force: true});
mkdirSync(join(out, 'licenses'), {recursive: true});
const versions = [];
for (const [pkg, file, name] of files) {
  const text = readFileSync(join(modules, pkg, file), 'utf8').replace(/^\/[/*][#@] sourceMappingURL=.*$/gm, '');
  writeFileSync(join(out, name), text);
}
for (const [pkg, file, name] of licences) {
  copyFileSync(join(modules, pkg, file), join(out, 'licenses', name));
  const version = JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version;
  versions.push(`${pkg} ${version}`);
}
writeFileSync(join(out, 'VERSIONS.txt'), versions.join('\n') + '\n');
console.log(`vendored into ${out}:\n  ${versions.join('\n  ')}`);

// Model output to DOM: Markdown by marked, code highlighted by highlight.js, and everything through DOMPurify
// before it reaches the page. Raw HTML in the output is shown as text, never parsed: a model that writes
// <script> or <img onerror> shows those characters. Math ($...$, $$...$$, \(...\), \[...\]) is kept verbatim,
// so Markdown does not eat its underscores and asterisks.
import {Marked} from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';
import hljs from '../vendor/highlight.min.js';

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]);
}

const MATH = /^(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$(?=[^\s$])([^$\n]*?[^\s$\\])\$(?![\d$]))/;

const math = {
  name: 'math',
  level: 'inline',
  start(src) {
    const m = src.match(/\$|\\[[(]/);
    return m ? m.index : undefined;
  },
  tokenizer(src) {
    const m = MATH.exec(src);
    if (m) {
      return {type: 'math', raw: m[0], display: m[1] !== undefined || m[2] !== undefined};
    }
    return undefined;
  },
  renderer(token) {
    return `<code class="math${token.display ? ' display' : ''}">${escapeHtml(token.raw)}</code>`;
  },
};

const marked = new Marked({gfm: true, breaks: false});
marked.use({
  extensions: [math],
  renderer: {
    html(token) {
      return escapeHtml(token.text);
    },
    code(token) {
      const lang = (token.lang || '').trim().split(/\s+/)[0].toLowerCase();
      const body = lang && hljs.getLanguage(lang)
          ? hljs.highlight(token.text, {language: lang, ignoreIllegals: true}).value
          : escapeHtml(token.text);
      const cls = lang ? ` class="hljs language-${escapeHtml(lang)}"` : ' class="hljs"';
      return `<pre><code${cls}>${body}</code></pre>\n`;
    },
  },
});

DOMPurify.addHook('afterSanitizeAttributes', node => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const PURIFY = {
  USE_PROFILES: {html: true},
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'svg', 'math'],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** Renders Markdown into a sanitized DocumentFragment. */
export function renderMarkdown(text) {
  const html = marked.parse(text, {async: false});
  return DOMPurify.sanitize(html, PURIFY);
}

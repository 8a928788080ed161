// The chat app: conversation list, messages, streaming answers, settings and sign-in. Model output reaches the
// page only through renderMarkdown (sanitized) or textContent; nothing here builds HTML from strings.
import {ApiError, apiKey, call, setApiKey, streamChat} from './api.js';
import {renderMarkdown} from './markdown.js';
import {$, el} from './dom.js';
import {hideAdmin, showAdmin} from './admin.js';

const state = {
  models: [],
  conversation: null, // {id, title, model, system_prompt, settings} once saved
  messages: [],       // stored messages, in order
  streaming: null,    // {controller} while an answer streams
};

function status(text, isError = false) {
  const s = $('status');
  s.textContent = text || '';
  s.classList.toggle('error', isError);
}

function fail(e) {
  if (e instanceof ApiError && e.status === 401) {
    showSignIn(e.message);
  }
  status(e.message || String(e), true);
}

// ---- sign-in ----

function showSignIn(message) {
  $('sign-in-error').textContent = message || '';
  const dialog = $('sign-in-dialog');
  if (!dialog.open) {
    dialog.showModal();
  }
  $('api-key').focus();
}

function showWho() {
  const key = apiKey();
  $('who').textContent = key ? 'Key ' + key.slice(0, 14) + '…' : 'No key (this machine)';
  $('sign-in').hidden = !!key;
  $('sign-out').hidden = !key;
}

async function signIn(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (!key) {
    return;
  }
  setApiKey(key);
  try {
    await call('GET', '/v1/models');
  } catch (e) {
    setApiKey(null);
    $('sign-in-error').textContent = e.message;
    return;
  }
  $('api-key').value = '';
  $('sign-in-dialog').close();
  showWho();
  status('');
  await start();
}

// ---- models ----

async function loadModels() {
  const list = await call('GET', '/v1/models');
  state.models = list.data.map(m => m.id);
  const picker = $('model-picker');
  picker.replaceChildren(...state.models.map(id => el('option', {value: id, text: id})));
  showModel();
}

function currentModel() {
  const wanted = state.conversation ? state.conversation.model : $('model-picker').value;
  return state.models.includes(wanted) ? wanted : state.models[0];
}

function showModel() {
  const m = currentModel();
  if (m) {
    $('model-picker').value = m;
  }
}

async function pickModel() {
  const model = $('model-picker').value;
  if (state.conversation) {
    try {
      state.conversation = await call('PATCH', '/api/conversations/' + state.conversation.id, {model});
      status('Model: ' + model);
    } catch (e) {
      fail(e);
    }
  }
}

// ---- conversation list ----

let searchTimer = null;

async function loadList() {
  const q = $('search').value.trim();
  const list = await call('GET', '/api/conversations' + (q ? '?q=' + encodeURIComponent(q) : ''));
  const ul = $('conversation-list');
  ul.replaceChildren(...list.data.map(listItem));
  if (list.data.length === 0) {
    ul.append(el('li', {class: 'none', text: q ? 'No conversation matches.' : 'No conversations yet.'}));
  }
}

function listItem(c) {
  const active = state.conversation && state.conversation.id === c.id;
  const li = el('li', {class: 'conversation' + (active ? ' active' : ''), 'data-id': c.id});
  const open = el('button', {type: 'button', class: 'open', text: c.title, 'aria-current': active ? 'page' : null,
    onclick: () => openConversation(c.id)});
  const rename = el('button', {type: 'button', class: 'icon', text: '✎', 'aria-label': 'Rename ' + c.title, title: 'Rename',
    onclick: () => startRename(li, c)});
  const remove = el('button', {type: 'button', class: 'icon', text: '×', 'aria-label': 'Delete ' + c.title, title: 'Delete',
    onclick: () => deleteConversation(c)});
  li.append(open, rename, remove);
  return li;
}

function startRename(li, c) {
  const input = el('input', {type: 'text', value: c.title, 'aria-label': 'New title', maxlength: 200});
  let done = false;
  const finish = async save => {
    if (done) {
      return;
    }
    done = true;
    const title = input.value.trim();
    if (save && title && title !== c.title) {
      try {
        const updated = await call('PATCH', '/api/conversations/' + c.id, {title});
        if (state.conversation && state.conversation.id === c.id) {
          state.conversation = updated;
          $('chat-title').textContent = updated.title;
        }
      } catch (e) {
        fail(e);
      }
    }
    await loadList();
  };
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter') {
      e.preventDefault();
      finish(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      finish(false);
    }
  });
  input.addEventListener('blur', () => finish(true));
  li.replaceChildren(input);
  input.focus();
  input.select();
}

async function deleteConversation(c) {
  if (!confirm('Delete “' + c.title + '”?')) {
    return;
  }
  try {
    await call('DELETE', '/api/conversations/' + c.id);
    if (state.conversation && state.conversation.id === c.id) {
      newChat();
    }
    await loadList();
    status('Deleted “' + c.title + '”');
  } catch (e) {
    fail(e);
  }
}

// ---- one conversation ----

function newChat() {
  stop();
  hideAdmin();
  state.conversation = null;
  state.messages = [];
  $('chat-title').textContent = 'New chat';
  $('system-prompt').value = '';
  $('temperature').value = '';
  $('max-tokens').value = '';
  if (location.hash) {
    history.replaceState(null, '', location.pathname);
  }
  renderMessages();
  markActive();
  $('prompt').focus();
}

async function openConversation(id) {
  stop();
  hideAdmin();
  try {
    const c = await call('GET', '/api/conversations/' + encodeURIComponent(id));
    state.messages = c.messages;
    delete c.messages;
    state.conversation = c;
    $('chat-title').textContent = c.title;
    $('system-prompt').value = c.system_prompt || '';
    $('temperature').value = c.settings.temperature ?? '';
    $('max-tokens').value = c.settings.max_tokens ?? '';
    showModel();
    if (location.hash !== '#/c/' + c.id) {
      history.replaceState(null, '', '#/c/' + c.id);
    }
    renderMessages();
    markActive();
    document.body.classList.remove('sidebar-open');
    $('toggle-sidebar').setAttribute('aria-expanded', 'false');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      newChat();
    }
    fail(e);
  }
}

function markActive() {
  for (const li of document.querySelectorAll('#conversation-list li.conversation')) {
    const active = !!state.conversation && li.dataset.id === state.conversation.id;
    li.classList.toggle('active', active);
    const open = li.querySelector('button.open');
    if (open) {
      active ? open.setAttribute('aria-current', 'page') : open.removeAttribute('aria-current');
    }
  }
}

function settingsFromForm() {
  const settings = {};
  const t = $('temperature').value;
  const m = $('max-tokens').value;
  if (t !== '') {
    settings.temperature = Number(t);
  }
  if (m !== '') {
    settings.max_tokens = Number(m);
  }
  return settings;
}

async function saveSettings(event) {
  event.preventDefault();
  const body = {system_prompt: $('system-prompt').value.trim() || null, settings: settingsFromForm()};
  if (!state.conversation) {
    status('Settings will apply to this new chat.');
    return;
  }
  try {
    state.conversation = await call('PATCH', '/api/conversations/' + state.conversation.id, body);
    status('Settings saved.');
  } catch (e) {
    fail(e);
  }
}

// ---- messages ----

function renderMessages() {
  const box = $('messages');
  box.replaceChildren();
  if (state.messages.length === 0) {
    box.append(el('p', {id: 'empty', class: 'empty', text: 'Ask anything. Enter sends, Shift+Enter adds a line, Esc stops an answer.'}));
  }
  for (const m of state.messages) {
    box.append(messageView(m));
  }
  box.scrollTop = box.scrollHeight;
}

function toolCallCards(calls) {
  if (!calls || calls.length === 0) {
    return null;
  }
  const box = el('div', {class: 'tool-calls'});
  for (const call of calls) {
    const fn = call.function || {};
    let args = fn.arguments || '';
    try {
      args = JSON.stringify(JSON.parse(args), null, 2);
    } catch (e) {
      // partial or not JSON: shown as it is
    }
    box.append(el('details', {class: 'tool-call'},
        el('summary', {text: 'Tool call: ' + (fn.name || '?') + (call.id ? ' (' + call.id + ')' : '')}),
        el('pre', {text: args})));
  }
  return box;
}

function statsText(m) {
  const parts = [];
  if (m.completion_tokens != null) {
    parts.push(m.completion_tokens + ' tokens');
  }
  if (m.tokens_per_second != null) {
    parts.push(m.tokens_per_second.toFixed(1) + ' tokens/s');
  }
  if (m.prompt_tokens != null) {
    parts.push('prompt ' + m.prompt_tokens + ' tokens');
  }
  if (m.model) {
    parts.push(m.model);
  }
  if (m.finish_reason === 'cancelled') {
    parts.push('stopped');
  } else if (m.finish_reason === 'length') {
    parts.push('cut at the token limit');
  }
  return parts.join(' · ');
}

function fillContent(node, m) {
  if (m.role === 'assistant') {
    node.replaceChildren(renderMarkdown(m.content));
  } else {
    node.textContent = m.content;
  }
}

function messageView(m) {
  const article = el('article', {class: 'message ' + m.role, 'data-position': m.position, 'data-state': 'done',
    'aria-label': m.role === 'user' ? 'You' : m.role === 'assistant' ? 'Assistant' : 'Tool result'});
  const content = el('div', {class: m.role === 'assistant' ? 'content markdown' : 'content plain'});
  if (m.role === 'tool') {
    article.append(el('details', {class: 'tool-call'}, el('summary', {text: 'Tool result' + (m.tool_call_id ? ' (' + m.tool_call_id + ')' : '')}),
        el('pre', {text: m.content})));
    return article;
  }
  fillContent(content, m);
  article.append(el('div', {class: 'role', text: m.role === 'user' ? 'You' : 'Assistant'}), content);
  const cards = toolCallCards(m.tool_calls);
  if (cards) {
    article.append(cards);
  }
  if (m.role === 'assistant') {
    article.append(el('div', {class: 'stats', text: statsText(m)}));
  }
  const actions = el('div', {class: 'actions'},
      el('button', {type: 'button', text: 'Copy', onclick: () => copy(m.content)}));
  if (m.role === 'assistant') {
    actions.append(el('button', {type: 'button', text: 'Regenerate', onclick: () => regenerate(m.position)}));
  } else {
    actions.append(el('button', {type: 'button', text: 'Edit', onclick: () => startEdit(article, m)}));
  }
  article.append(actions);
  return article;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    status('Copied.');
  } catch (e) {
    status('The browser refused to copy: ' + e.message, true);
  }
}

function startEdit(article, m) {
  if (state.streaming) {
    return;
  }
  const area = el('textarea', {class: 'edit', 'aria-label': 'Edit message', rows: 3});
  area.value = m.content;
  const save = el('button', {type: 'button', class: 'primary', text: 'Save & send', onclick: () => editAndResend(m.position, area.value)});
  const cancel = el('button', {type: 'button', text: 'Cancel', onclick: () => renderMessages()});
  area.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      editAndResend(m.position, area.value);
    }
  });
  article.replaceChildren(area, el('div', {class: 'actions'}, save, cancel));
  area.focus();
}

async function editAndResend(position, text) {
  if (!text.trim() || state.streaming) {
    return;
  }
  try {
    const stored = await call('POST', `/api/conversations/${state.conversation.id}/messages`,
        {replace_from: position, messages: [{role: 'user', content: text}]});
    state.messages = state.messages.slice(0, position).concat(stored.data);
    renderMessages();
    await answer(position + 1);
  } catch (e) {
    fail(e);
  }
}

async function regenerate(position) {
  if (state.streaming) {
    return;
  }
  state.messages = state.messages.slice(0, position);
  renderMessages();
  await answer(position);
}

async function send() {
  const text = $('prompt').value;
  if (!text.trim() || state.streaming) {
    return;
  }
  try {
    if (!state.conversation) {
      const title = text.trim().split('\n')[0].slice(0, 60);
      const c = await call('POST', '/api/conversations', {
        title, model: currentModel() || null, system_prompt: $('system-prompt').value.trim() || null, settings: settingsFromForm(),
      });
      delete c.messages;
      state.conversation = c;
      state.messages = [];
      $('chat-title').textContent = c.title;
      history.replaceState(null, '', '#/c/' + c.id);
    }
    const stored = await call('POST', `/api/conversations/${state.conversation.id}/messages`, {messages: [{role: 'user', content: text}]});
    $('prompt').value = '';
    state.messages.push(...stored.data);
    renderMessages();
    loadList().catch(fail);
    await answer(state.messages.length);
  } catch (e) {
    fail(e);
  }
}

/** Streams the answer to messages [0, position) and stores it at `position` (replacing what was there). */
async function answer(position) {
  const c = state.conversation;
  const chat = [];
  if (c.system_prompt) {
    chat.push({role: 'system', content: c.system_prompt});
  }
  for (const m of state.messages.slice(0, position)) {
    const msg = {role: m.role, content: m.content};
    if (m.tool_calls) {
      msg.tool_calls = m.tool_calls;
    }
    if (m.tool_call_id) {
      msg.tool_call_id = m.tool_call_id;
    }
    chat.push(msg);
  }
  const model = currentModel();
  const request = {model, messages: chat, ...c.settings};
  const reply = {position, role: 'assistant', content: '', model, tool_calls: null};
  const view = messageView(reply);
  view.dataset.state = 'streaming';
  view.setAttribute('aria-busy', 'true'); // screen readers wait for the whole answer, not every token
  view.querySelector('.actions').hidden = true;
  const empty = $('empty');
  if (empty) {
    empty.remove();
  }
  $('messages').append(view);
  const content = view.querySelector('.content');
  const stats = view.querySelector('.stats');

  const controller = new AbortController();
  state.streaming = {controller};
  $('send').hidden = true;
  $('stop').hidden = false;
  status('Answering…');

  const calls = [];
  let pieces = 0;
  let first = 0;
  let last = 0;
  let frame = 0;
  const paint = () => {
    frame = 0;
    fillContent(content, reply);
    const cards = toolCallCards(calls.length ? calls : null);
    const old = view.querySelector('.tool-calls');
    if (old) {
      old.remove();
    }
    if (cards) {
      content.after(cards);
    }
    stats.textContent = pieces + ' tokens…';
    const box = $('messages');
    box.scrollTop = box.scrollHeight;
  };
  try {
    for await (const event of streamChat(request, controller.signal)) {
      if (event.usage) {
        reply.prompt_tokens = event.usage.prompt_tokens;
        reply.completion_tokens = event.usage.completion_tokens;
      }
      for (const choice of event.choices || []) {
        const delta = choice.delta || {};
        if (delta.content) {
          reply.content += delta.content;
        }
        for (const tc of delta.tool_calls || []) {
          const slot = calls[tc.index ?? 0] ??= {id: tc.id, type: 'function', function: {name: '', arguments: ''}};
          if (tc.id) {
            slot.id = tc.id;
          }
          if (tc.function?.name) {
            slot.function.name += tc.function.name;
          }
          if (tc.function?.arguments) {
            slot.function.arguments += tc.function.arguments;
          }
        }
        if (delta.content || delta.tool_calls) {
          pieces++;
          last = performance.now();
          first ||= last;
        }
        if (choice.finish_reason) {
          reply.finish_reason = choice.finish_reason;
        }
      }
      if (!frame) {
        frame = requestAnimationFrame(paint);
      }
    }
    status('');
  } catch (e) {
    if (e.name === 'AbortError') {
      reply.finish_reason = 'cancelled';
      status('Stopped.');
    } else {
      reply.finish_reason = 'error';
      fail(e);
    }
  } finally {
    if (frame) {
      cancelAnimationFrame(frame);
    }
    state.streaming = null;
    $('send').hidden = false;
    $('stop').hidden = true;
  }
  if (reply.completion_tokens == null) {
    reply.completion_tokens = pieces; // stopped before the usage chunk: one piece per token
  }
  if (pieces > 1 && last > first) {
    reply.tokens_per_second = (pieces - 1) / ((last - first) / 1000);
  }
  if (calls.length) {
    reply.tool_calls = calls;
  }
  if (reply.finish_reason === 'error' && !reply.content && !calls.length) {
    view.remove();
    return;
  }
  try {
    const stored = await call('POST', `/api/conversations/${c.id}/messages`, {
      replace_from: position,
      messages: [{role: 'assistant', content: reply.content, tool_calls: reply.tool_calls, model,
        finish_reason: reply.finish_reason || null, prompt_tokens: reply.prompt_tokens ?? null,
        completion_tokens: reply.completion_tokens, tokens_per_second: reply.tokens_per_second ?? null}],
    });
    if (state.conversation && state.conversation.id === c.id) {
      state.messages = state.messages.slice(0, position).concat(stored.data);
      view.replaceWith(messageView(stored.data[0]));
    }
    loadList().catch(fail);
  } catch (e) {
    fail(e);
  }
}

function stop() {
  if (state.streaming) {
    state.streaming.controller.abort();
  }
}

// ---- start ----

async function start() {
  try {
    await loadModels();
  } catch (e) {
    fail(e);
    return;
  }
  try {
    await loadList();
  } catch (e) {
    fail(e);
  }
  await route();
}

/** Shows what the address names: #/admin, #/c/ID, or a new chat. */
async function route() {
  if (location.hash === '#/admin') {
    showAdmin();
    return;
  }
  hideAdmin();
  const match = location.hash.match(/^#\/c\/([A-Za-z0-9_]+)$/);
  if (match && (!state.conversation || state.conversation.id !== match[1])) {
    await openConversation(match[1]);
  }
}

function bind() {
  $('composer').addEventListener('submit', e => {
    e.preventDefault();
    send();
  });
  $('prompt').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && state.streaming) {
      e.preventDefault();
      stop();
    }
  });
  $('stop').addEventListener('click', stop);
  $('new-chat').addEventListener('click', newChat);
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => loadList().catch(fail), 200);
  });
  $('model-picker').addEventListener('change', pickModel);
  $('settings-toggle').addEventListener('click', () => {
    const form = $('settings');
    form.hidden = !form.hidden;
    $('settings-toggle').setAttribute('aria-expanded', String(!form.hidden));
  });
  $('settings').addEventListener('submit', saveSettings);
  $('toggle-sidebar').addEventListener('click', () => {
    const open = document.body.classList.toggle('sidebar-open');
    $('toggle-sidebar').setAttribute('aria-expanded', String(open));
  });
  $('sign-in').addEventListener('click', () => showSignIn(''));
  $('sign-out').addEventListener('click', () => {
    setApiKey(null);
    showWho();
    newChat();
    start();
  });
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-in-cancel').addEventListener('click', () => $('sign-in-dialog').close());
  window.addEventListener('hashchange', () => route().catch(fail));
}

bind();
showWho();
start();

// The server's HTTP API as the app uses it: JSON calls with the tab's API key, and streamed chat completions.
// The key lives in sessionStorage only (this tab, gone when it closes); it travels as a Bearer header, never a
// cookie, so no other site can make the browser send it.

const KEY_ITEM = 'sirocco.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(KEY_ITEM, key);
  } else {
    sessionStorage.removeItem(KEY_ITEM);
  }
}

/** A failed call: the HTTP status and the server's error message (and the field it names, if any). */
export class ApiError extends Error {
  constructor(status, message, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

function headers(withBody) {
  const h = {};
  const key = apiKey();
  if (key) {
    h['Authorization'] = 'Bearer ' + key;
  }
  if (withBody) {
    h['Content-Type'] = 'application/json';
  }
  return h;
}

async function failure(res) {
  let message = res.status + ' ' + res.statusText;
  let param = null;
  try {
    const body = await res.json();
    if (body && body.error) {
      message = body.error.message || message;
      param = body.error.param || null;
    }
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, message, param);
}

/** Calls a JSON endpoint; resolves to the parsed answer, rejects with an ApiError. */
export async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
  });
  if (!res.ok) {
    throw await failure(res);
  }
  return res.json();
}

/**
 * Streams a chat completion: yields each server-sent event's JSON (chunks, then the usage chunk) until [DONE].
 * Aborting `signal` ends the request; the server sees the connection close and frees the model.
 */
export async function* streamChat(request, signal) {
  const res = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: headers(true),
    body: JSON.stringify({...request, stream: true, stream_options: {include_usage: true}}),
    signal,
    credentials: 'omit',
  });
  if (!res.ok) {
    throw await failure(res);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) {
          if (!line.startsWith('data:')) {
            continue;
          }
          const data = line.slice(5).trim();
          if (data === '[DONE]') {
            return;
          }
          const event = JSON.parse(data);
          if (event.error) {
            throw new ApiError(500, event.error.message, event.error.param);
          }
          yield event;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}

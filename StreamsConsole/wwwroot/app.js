// The streams console's page: one view at a time, chosen by the address's #fragment, kept up to date by the server
// through Server-Sent Events (/api/live/...). Plain JavaScript, no build step, nothing loaded from anywhere else.
'use strict';

const view = document.getElementById('view');
const live = document.getElementById('live');
const notice = document.getElementById('notice');
let session = { allowReplay: false, antiforgeryToken: null, reclaimAfterMilliseconds: 30000 };
let source = null;

// ---- small helpers -------------------------------------------------------------------------------------------------

// A tagged template: values are escaped, unless they are markup made by html`` or raw() themselves.
function html(strings, ...values) {
  return new Raw(strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]) : ''), ''));
}

function render(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escape(String(value));
}

class Raw { constructor(text) { this.text = text; } }
const raw = markup => markup instanceof Raw ? markup : new Raw(markup);

function put(markup) {
  view.innerHTML = markup.text;
}

function escape(text) {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function seconds(milliseconds) {
  return (milliseconds / 1000).toFixed(1) + ' s';
}

// kind 'unavailable' marks the notice a fresh view clears; the answer to a replay stays until the page changes.
function show(message, ok, kind) {
  notice.textContent = message;
  notice.className = ok ? 'notice ok' : 'notice';
  notice.dataset.kind = kind || '';
  notice.hidden = !message;
}

function fields(list) {
  return html`<dl class="fields">${list.map(f => html`<dt>${f.name}</dt><dd class="mono">${f.value}</dd>`)}</dl>`;
}

function traceLink(entry) {
  if (!entry.traceParent) return '';
  return entry.traceUrl
    ? html`<a href="${entry.traceUrl}" target="_blank" rel="noopener" data-testid="trace-link">trace</a>`
    : html`<span class="mono" title="traceparent">${entry.traceParent}</span>`;
}

// ---- live views ----------------------------------------------------------------------------------------------------

function follow(url, draw) {
  if (source) source.close();
  live.textContent = 'connecting…';
  live.className = 'live';
  source = new EventSource(url);
  source.addEventListener('view', event => {
    live.textContent = 'live · ' + new Date().toLocaleTimeString();
    live.className = 'live on';
    if (notice.dataset.kind === 'unavailable') show('');
    draw(JSON.parse(event.data));
  });
  source.addEventListener('unavailable', event => {
    live.className = 'live off';
    live.textContent = 'Redis does not answer';
    show('Redis does not answer: ' + JSON.parse(event.data), false, 'unavailable');
  });
  source.onerror = () => { live.className = 'live off'; live.textContent = 'reconnecting…'; };
}

async function problemOf(response) {
  try {
    const problem = await response.json();
    const errors = problem.errors ? ' ' + Object.values(problem.errors).flat().join(' ') : '';
    return `${problem.title || response.status}: ${problem.detail || ''}${errors}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// ---- the streams page ----------------------------------------------------------------------------------------------

function drawStreams(streams) {
  put(html`
    <h2>Streams</h2>
    <p class="sub">Every stream Redis holds, summed over its partitions.</p>
    ${streams.length === 0 ? raw('<p class="empty">No streams yet.</p>') : raw(html`
    <table data-testid="streams">
      <thead><tr><th>stream</th><th class="num">entries</th><th>first entry</th><th>last entry</th><th class="num">entries/s</th>
        <th>groups (pending · lag)</th><th class="num">dead letters</th></tr></thead>
      <tbody>${streams.map(s => html`
        <tr data-testid="stream-row" data-stream="${s.name}">
          <td><a href="#/streams/${encodeURIComponent(s.name)}">${s.name}</a>
            ${s.keys.length > 1 ? raw(html`<span class="badge">${s.keys.length} partitions</span>`) : ''}</td>
          <td class="num" data-testid="length">${s.length}</td>
          <td><span class="mono">${s.firstId}</span><br>${when(s.firstAt)}</td>
          <td><span class="mono">${s.lastId}</span><br>${when(s.lastAt)}</td>
          <td class="num">${s.entriesPerSecond.toFixed(1)}</td>
          <td>${s.groups.map(g => html`<div><a href="#/streams/${encodeURIComponent(s.name)}/groups">${g.name}</a>
            · ${g.consumers} consumers · <span data-testid="group-pending">${g.pending}</span> pending · lag ${g.lag ?? '?'}</div>`)}</td>
          <td class="num">${s.deadLetters > 0 ? raw(html`<a href="#/dead-letters"><span class="badge bad">${s.deadLetters}</span></a>`) : '0'}</td>
        </tr>`)}</tbody>
    </table>`)}`);
}

// ---- a stream's entries --------------------------------------------------------------------------------------------

function drawEntries(page, before) {
  const name = page.stream;
  put(html`
    <h2>${name}</h2>
    <div class="tabs"><b>Entries</b> <a href="#/streams/${encodeURIComponent(name)}/groups">Groups and consumers</a></div>
    <p class="sub">Newest first${before ? raw(html`, older than <span class="mono">${before}</span>`) : ', live'}.
      The entry id is Redis's time of adding it; <code>id</code> is the event's own id, the inbox's key.</p>
    ${page.entries.length === 0 ? raw('<p class="empty">No entries.</p>') : raw(html`
    <table data-testid="entries">
      <thead><tr><th>entry id</th><th>added</th><th>type</th><th>event id</th><th>trace</th><th>fields</th></tr></thead>
      <tbody>${page.entries.map(e => html`
        <tr data-testid="entry-row" data-id="${e.id}">
          <td class="mono">${e.id}${e.key !== name ? raw(html`<br><span class="badge">${e.key}</span>`) : ''}</td>
          <td>${when(e.addedAt)}</td><td>${e.type}</td><td class="mono">${e.eventId}</td><td>${traceLink(e)}</td>
          <td>${fields(e.fields)}</td>
        </tr>`)}</tbody>
    </table>`)}
    <div class="pager">
      ${before ? raw(html`<a href="#/streams/${encodeURIComponent(name)}">newest</a> · `) : ''}
      ${page.next ? raw(html`<a data-testid="older" href="#/streams/${encodeURIComponent(name)}?before=${page.next}">older →</a>`) : ''}
    </div>`);
}

// ---- a stream's groups and consumers -------------------------------------------------------------------------------

function drawGroups(page) {
  const name = page.stream;
  put(html`
    <h2>${name}</h2>
    <div class="tabs"><a href="#/streams/${encodeURIComponent(name)}">Entries</a> <b>Groups and consumers</b></div>
    <p class="sub">A pending entry idle longer than <b>${seconds(page.reclaimAfterMilliseconds)}</b> (Messaging:ReclaimAfter)
      is highlighted: the next XAUTOCLAIM of any consumer of its group takes it over.</p>
    ${page.groups.length === 0 ? raw('<p class="empty">No consumer groups.</p>') : ''}
    ${page.groups.map(g => html`
      <section data-testid="group" data-group="${g.name}" data-key="${g.key}">
        <h3>${g.name} ${g.key !== name ? raw(html`<span class="badge">${g.key}</span>`) : ''}</h3>
        <p>pending <b data-testid="pending">${g.pending}</b> · lag <b>${g.lag ?? '?'}</b> · last delivered
          <span class="mono">${g.lastDeliveredId}</span></p>
        <table>
          <thead><tr><th>consumer</th><th class="num">pending</th><th class="num">idle</th></tr></thead>
          <tbody>${g.consumers.map(c => html`
            <tr data-testid="consumer-row" data-consumer="${c.name}">
              <td class="mono">${c.name}</td><td class="num" data-testid="consumer-pending">${c.pending}</td>
              <td class="num" data-testid="consumer-idle" data-ms="${c.idleMilliseconds}">${seconds(c.idleMilliseconds)}</td>
            </tr>`)}</tbody>
        </table>
        ${g.pendingEntries.length === 0 ? '' : raw(html`
        <table>
          <thead><tr><th>pending entry</th><th>consumer</th><th class="num">idle</th><th class="num">deliveries</th><th></th></tr></thead>
          <tbody>${g.pendingEntries.map(p => html`
            <tr data-testid="pending-row" data-id="${p.id}" data-consumer="${p.consumer}" class="${p.nextForTakeOver ? 'takeover' : ''}">
              <td class="mono">${p.id}</td><td class="mono">${p.consumer}</td>
              <td class="num" data-testid="pending-idle" data-ms="${p.idleMilliseconds}">${seconds(p.idleMilliseconds)}</td>
              <td class="num">${p.deliveries}</td>
              <td>${p.nextForTakeOver ? raw('<span class="badge warn" data-testid="takeover">next for XAUTOCLAIM</span>') : ''}</td>
            </tr>`)}</tbody>
        </table>`)}
      </section>`)}`);
}

// ---- dead letters --------------------------------------------------------------------------------------------------

function drawDeadLetters(page) {
  const types = [...new Set(page.deadLetters.filter(d => d.type).map(d => `${d.stream}\u0000${d.type}`))];
  const disabled = page.allowReplay && session.antiforgeryToken ? '' : 'disabled';
  put(html`
    <h2>Dead letters</h2>
    <p class="sub">${page.total} in all; the newest first. ${page.allowReplay
      ? 'Replay puts an entry back into its stream with the same event id (the inbox still stops a second effect) and removes it here.'
      : raw('Read-only: replay is off (<code>Console:AllowReplay</code>).')}</p>
    ${types.length === 0 ? '' : raw(html`<p>${types.map(t => { const [stream, type] = t.split('\u0000'); return html`
      <button data-testid="replay-type" data-stream="${stream}" data-type="${type}" ${raw(disabled)}>replay every ${type} of ${stream}</button> `; })}</p>`)}
    ${page.deadLetters.length === 0 ? raw('<p class="empty">No dead letters.</p>') : raw(html`
    <table data-testid="dead-letters">
      <thead><tr><th>dead letter</th><th>error</th><th>group · consumer</th><th class="num">deliveries</th><th>original</th><th>fields</th><th></th></tr></thead>
      <tbody>${page.deadLetters.map(d => html`
        <tr data-testid="dead-letter-row" data-key="${d.key}" data-id="${d.id}" data-event-id="${d.eventId}">
          <td class="mono">${d.key}<br>${d.id}<br>${when(d.deadLetteredAt)}</td>
          <td class="error" data-testid="error">${d.error}</td>
          <td>${d.group}<br><span class="mono">${d.consumer}</span></td>
          <td class="num" data-testid="deliveries">${d.deliveries}${d.replays ? raw(html`<br><span class="badge warn" data-testid="replays">replayed ${d.replays}×</span>`) : ''}</td>
          <td class="mono">${d.originalId}<br>${d.type}<br>${traceLink(d)}</td>
          <td>${fields(d.originalFields)}</td>
          <td><button data-testid="replay" data-key="${d.key}" data-id="${d.id}" ${raw(disabled)}>replay</button></td>
        </tr>`)}</tbody>
    </table>`)}`);
}

async function post(url, values) {
  const form = new FormData();
  form.append('__RequestVerificationToken', session.antiforgeryToken || '');
  for (const [name, value] of Object.entries(values)) form.append(name, value);
  const response = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
  if (!response.ok) {
    show(await problemOf(response));
    return;
  }
  const result = await response.json();
  const count = result.replayed ?? 1;
  show(`Replayed ${count} ${count === 1 ? 'entry' : 'entries'}${result.newId ? ` as ${result.newId} in ${result.key}` : ''}.`, true);
}

view.addEventListener('click', event => {
  const button = event.target.closest('button');
  if (!button || button.disabled) return;
  if (button.dataset.testid === 'replay') post('api/dead-letters/replay', { key: button.dataset.key, id: button.dataset.id });
  if (button.dataset.testid === 'replay-type') post('api/dead-letters/replay-type', { stream: button.dataset.stream, type: button.dataset.type });
});

// ---- routing -------------------------------------------------------------------------------------------------------

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active',
    a.dataset.nav === (parts[0] === 'dead-letters' ? 'dead-letters' : 'streams')));
  show('');
  if (parts[0] === 'dead-letters') {
    follow('api/live/dead-letters', drawDeadLetters);
  } else if (parts[0] === 'streams' && parts[1] && parts[2] === 'groups') {
    await followChecked(`api/streams/${encodeURIComponent(parts[1])}/groups`, `api/live/streams/${encodeURIComponent(parts[1])}/groups`, drawGroups);
  } else if (parts[0] === 'streams' && parts[1]) {
    const before = new URLSearchParams(query).get('before');
    const suffix = before ? `?before=${encodeURIComponent(before)}` : '';
    await followChecked(`api/streams/${encodeURIComponent(parts[1])}/entries${suffix}`,
      `api/live/streams/${encodeURIComponent(parts[1])}/entries${suffix}`, page => drawEntries(page, before));
  } else {
    follow('api/live/streams', drawStreams);
  }
}

// An unknown stream or a malformed id is answered with ProblemDetails before any live view starts: show it.
async function followChecked(url, liveUrl, draw) {
  if (source) source.close();
  const response = await fetch(url);
  if (!response.ok) {
    put(html`<h2>Not found</h2><p class="error" data-testid="problem">${await problemOf(response)}</p>`);
    live.textContent = '';
    return;
  }
  draw(await response.json());
  follow(liveUrl, draw);
}

async function start() {
  const response = await fetch('api/session', { credentials: 'same-origin' });
  if (response.ok) session = await response.json();
  window.addEventListener('hashchange', route);
  await route();
}

start();

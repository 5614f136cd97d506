// SPDX-License-Identifier: Apache-2.0

/// The inbox's script (`/_emulator/ui/app.js`): plain modern JavaScript, no framework, no build step.
///
/// Rules it keeps: data is only ever put into the page as text (`textContent`, `createTextNode`) or as
/// attribute values the page chose (links only when http(s)); never through `innerHTML`. A message's HTML goes
/// only into a sandboxed `iframe` (`sandbox=""`: no scripts, forms, popups or same-origin) through `srcdoc`,
/// behind a CSP meta that allows inline styles and `data:`/`cid:` images (remote images on request).
/// Every data call sends `Authorization: Bearer` when a token is kept (sessionStorage). The change feed is
/// read with fetch() and a stream reader, since EventSource cannot send that header.
enum InboxScript {
    static let source = #"""
        'use strict';
        (() => {
        const TOKEN_KEY = 'maildouble.control-token';
        const PAGE_SIZE = 50;
        const VENDORS = ['flowmailer', 'postflare', 'flowdock'];
        const view = document.getElementById('view');
        const state = { route: null, inbox: { cursors: [null], page: 0, vendor: '', tenant: '', q: '' },
          clockOffset: 0, refreshTimer: null, messageKey: null, remoteImages: false };

        // ---- DOM helpers: text only ----
        function el(tag, attrs, ...children) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) continue;
            if (k === 'class') e.className = v;
            else if (k === 'text') e.textContent = v;
            else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
            else e.setAttribute(k, v === true ? '' : String(v));
          }
          for (const c of children.flat(Infinity)) {
            if (c === null || c === undefined || c === false) continue;
            e.append(c instanceof Node ? c : document.createTextNode(String(c)));
          }
          return e;
        }
        function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
        /// Only http(s) URLs become links; anything else (javascript:, data:) stays text.
        function safeLink(url, label) {
          let ok = false;
          try { const u = new URL(url, location.href); ok = u.protocol === 'http:' || u.protocol === 'https:'; }
          catch (_) { ok = false; }
          return ok ? el('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, label || url)
            : el('span', { class: 'mono' }, label || url);
        }
        /// A chat message has no subject: the start of its text stands in for it.
        function snippet(text) { return text ? text.replace(/\s+/g, ' ').slice(0, 90) : ''; }
        function fmtTime(iso) {
          if (!iso) return '';
          const d = new Date(iso);
          return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
        }
        function statusClass(s) {
          const v = String(s || '').toLowerCase();
          if (/(bounce|error|fail|reject|complain|suppress|spam|hold|cancel)/.test(v)) return 'status bad';
          if (/(deliver|opened|clicked|sent)/.test(v)) return 'status good';
          return 'status warn';
        }
        function showError(message) {
          const box = document.getElementById('error');
          box.textContent = message || '';
          box.hidden = !message;
        }

        // ---- the control token and calls ----
        function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
        function authHeaders(extra) {
          const h = Object.assign({}, extra || {});
          if (token()) h['Authorization'] = 'Bearer ' + token();
          return h;
        }
        let tokenWaiters = [];
        function askForToken(message) {
          const form = document.getElementById('login');
          form.hidden = false;
          document.getElementById('login-message').textContent = message || '';
          document.getElementById('token-input').focus();
        }
        function tokenChanged() { return new Promise((resolve) => tokenWaiters.push(resolve)); }
        document.getElementById('login').addEventListener('submit', (ev) => {
          ev.preventDefault();
          sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value.trim());
          document.getElementById('login').hidden = true;
          const waiting = tokenWaiters; tokenWaiters = [];
          waiting.forEach((w) => w());
          render();
        });
        document.getElementById('token-button').addEventListener('click', () => askForToken(''));

        class Unauthorized extends Error {}
        async function api(path, options) {
          const opts = Object.assign({}, options || {});
          opts.headers = authHeaders(opts.headers);
          const res = await fetch(path, opts);
          if (res.status === 401) {
            askForToken(token() ? 'That token was refused.' : 'This emulator wants its control token.');
            throw new Unauthorized('unauthorized');
          }
          const type = res.headers.get('Content-Type') || '';
          const body = type.includes('json') ? await res.json() : await res.text();
          if (!res.ok) {
            const msg = (body && body.message) || (typeof body === 'string' ? body : res.statusText);
            throw new Error(res.status + ': ' + msg);
          }
          return body;
        }
        function query(params) {
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
          const s = q.toString();
          return s ? '?' + s : '';
        }

        // ---- the clock ----
        function tickClock() {
          const now = new Date(Date.now() + state.clockOffset);
          document.getElementById('clock-now').textContent = fmtTime(now.toISOString());
        }
        async function loadClock() {
          try {
            const c = await api('/_emulator/clock');
            state.clockOffset = new Date(c.now).getTime() - Date.now();
            tickClock();
          } catch (e) { if (!(e instanceof Unauthorized)) showError(e.message); }
        }
        async function advance(seconds) {
          try {
            const c = await api('/_emulator/clock/advance' + query({ seconds }), { method: 'POST' });
            state.clockOffset = new Date(c.now).getTime() - Date.now();
            tickClock();
            scheduleRefresh(0);
          } catch (e) { if (!(e instanceof Unauthorized)) showError(e.message); }
        }
        for (const b of document.querySelectorAll('[data-advance]')) {
          b.addEventListener('click', () => advance(Number(b.dataset.advance)));
        }
        setInterval(tickClock, 1000);

        // ---- live updates: /_emulator/events through fetch + a stream reader ----
        let lastEventId = null;
        function setLive(on) {
          const live = document.getElementById('live');
          live.textContent = on ? 'live' : 'offline';
          live.className = on ? 'live on' : 'live';
        }
        function onChange(change) {
          const r = state.route;
          if (!r) return;
          if (r.name === 'inbox' && change.kind !== 'delivery.attempted') scheduleRefresh(30);
          else if (r.name === 'message' && (change.kind === 'reset' || change.kind === 'messages.deleted'
            || (change.id === r.id && change.vendor === r.vendor))) scheduleRefresh(30);
          else if (r.name === 'webhooks' && change.kind === 'delivery.attempted') scheduleRefresh(30);
          else if (r.name === 'requests') scheduleRefresh(300);
        }
        function handleFrame(frame) {
          let data = '', id = null;
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'data') data += (data ? '\n' : '') + value;
            else if (field === 'id') id = value;
          }
          if (id) lastEventId = id;
          if (!data) return;
          try { onChange(JSON.parse(data)); } catch (_) { /* not a change */ }
        }
        async function follow() {
          for (;;) {
            try {
              const headers = authHeaders(lastEventId ? { 'Last-Event-ID': lastEventId } : {});
              const res = await fetch('/_emulator/events', { headers, cache: 'no-store' });
              if (res.status === 401) { setLive(false); await tokenChanged(); continue; }
              if (!res.ok || !res.body) throw new Error('events: ' + res.status);
              setLive(true);
              if (lastEventId) scheduleRefresh(0);  // changes may have been missed while away
              const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
              let buffer = '';
              for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += value.replace(/\r\n?/g, '\n');
                let cut;
                while ((cut = buffer.indexOf('\n\n')) >= 0) {
                  handleFrame(buffer.slice(0, cut));
                  buffer = buffer.slice(cut + 2);
                }
              }
            } catch (_) { /* reconnect below */ }
            setLive(false);
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }

        // ---- routing ----
        function parseRoute() {
          const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => {
            try { return decodeURIComponent(p); } catch (_) { return p; }
          });
          switch (parts[0]) {
            case 'message': return { name: 'message', vendor: parts[1] || '', id: parts[2] || '', online: parts[3] === 'online' };
            case 'webhooks': case 'requests': case 'faults': case 'system': return { name: parts[0] };
            default: return { name: 'inbox' };
          }
        }
        function scheduleRefresh(ms) {
          if (state.refreshTimer) return;
          state.refreshTimer = setTimeout(() => { state.refreshTimer = null; render(true); }, ms);
        }
        async function render(refresh) {
          const route = parseRoute();
          const same = refresh && state.route && JSON.stringify(route) === JSON.stringify(state.route);
          state.route = route;
          for (const a of document.querySelectorAll('nav a')) {
            a.classList.toggle('active', a.dataset.nav === (route.name === 'message' ? 'inbox' : route.name));
          }
          try {
            if (route.name === 'inbox') await renderInbox(same);
            else if (route.name === 'message') await renderMessage(route, same);
            else if (route.name === 'webhooks') await renderWebhooks(same);
            else if (route.name === 'requests') await renderRequests(same);
            else if (route.name === 'faults') await renderFaults(same);
            else if (route.name === 'system') await renderSystem(same);
            showError('');
          } catch (e) {
            if (!(e instanceof Unauthorized)) showError(e.message);
          }
        }
        window.addEventListener('hashchange', () => render(false));

        // ---- inbox ----
        function vendorSelect(value, onchange, anyLabel) {
          const s = el('select', { onchange }, el('option', { value: '' }, anyLabel || 'All vendors'),
            VENDORS.map((v) => el('option', { value: v, selected: v === value }, v)));
          return s;
        }
        let inboxShell = null;
        function buildInboxShell() {
          const ib = state.inbox;
          const reload = () => { ib.cursors = [null]; ib.page = 0; render(false); };
          const vendor = vendorSelect(ib.vendor, (ev) => { ib.vendor = ev.target.value; reload(); });
          vendor.id = 'filter-vendor';
          const tenant = el('input', { id: 'filter-tenant', placeholder: 'Tenant', value: ib.tenant, size: 10 });
          const search = el('input', { id: 'filter-q', type: 'search', placeholder: 'Search subject and text',
            value: ib.q, size: 28 });
          const form = el('form', { class: 'filters', onsubmit: (ev) => {
            ev.preventDefault(); ib.tenant = tenant.value.trim(); ib.q = search.value.trim(); reload();
          } }, vendor, tenant, search, el('button', { type: 'submit' }, 'Search'));
          const body = el('tbody', { id: 'inbox-rows' });
          const table = el('table', { class: 'inbox' }, el('thead', {}, el('tr', {},
            ['Time', 'Vendor', 'Tenant', 'From', 'To', 'Subject', 'Status'].map((h) => el('th', {}, h)))), body);
          const newer = el('button', { id: 'page-newer', onclick: () => { if (ib.page > 0) { ib.page--; render(false); } } },
            '← Newer');
          const older = el('button', { id: 'page-older', onclick: () => {
            if (ib.cursors[ib.page + 1]) { ib.page++; render(false); }
          } }, 'Older →');
          const info = el('span', { class: 'muted', id: 'page-info' });
          inboxShell = { root: el('div', {}, form, table, el('div', { class: 'pager' }, newer, older, info)),
            body, newer, older, info };
        }
        async function renderInbox(refresh) {
          const ib = state.inbox;
          if (!inboxShell || !refresh || !view.contains(inboxShell.root)) {
            buildInboxShell();
            clear(view).append(inboxShell.root);
          }
          const page = await api('/_emulator/messages' + query({ order: 'desc', limit: PAGE_SIZE, vendor: ib.vendor,
            tenant: ib.tenant, q: ib.q, cursor: ib.cursors[ib.page] }));
          ib.cursors[ib.page + 1] = page.has_more ? page.next : null;
          const rows = page.data.map((m) => {
            const href = '#/message/' + encodeURIComponent(m.vendor) + '/' + encodeURIComponent(m.id);
            const to = (m.to || []).join(', ');
            return el('tr', { class: 'msg', 'data-vendor': m.vendor, 'data-id': m.id,
              onclick: () => { location.hash = href; } },
              el('td', { class: 'mono' }, fmtTime(m.created_at)),
              el('td', {}, el('span', { class: 'tag ' + m.vendor }, m.vendor)),
              el('td', { class: 'muted' }, m.tenant),
              el('td', {}, m.from || ''),
              el('td', {}, to),
              el('td', { class: 'subject' }, el('a', { href }, m.subject || snippet(m.text) || '(no subject)')),
              el('td', {}, el('span', { class: statusClass(m.status) + ' msg-status' }, m.status || '')));
          });
          clear(inboxShell.body).append(...rows);
          if (!rows.length) inboxShell.body.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No messages.')));
          inboxShell.newer.disabled = ib.page === 0;
          inboxShell.older.disabled = !page.has_more;
          inboxShell.info.textContent = 'Page ' + (ib.page + 1) + (rows.length ? ' · ' + rows.length + ' shown' : '');
        }

        // ---- message view ----
        function frameDocument(html, remote) {
          const img = remote ? "img-src data: cid: http: https:" : "img-src data: cid:";
          const csp = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; " + img;
          return '<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="' + csp
            + '"><meta name="referrer" content="no-referrer"><base target="_blank">' + html;
        }
        function bodyFrame(html) {
          const frame = el('iframe', { class: 'body', id: 'message-html', sandbox: '', referrerpolicy: 'no-referrer',
            title: 'Message HTML (sandboxed)' });
          frame.srcdoc = frameDocument(html, state.remoteImages);
          return frame;
        }
        async function download(url, name) {
          const res = await fetch(url, { headers: authHeaders() });
          if (!res.ok) { showError('download: ' + res.status); return; }
          const blob = await res.blob();
          const a = el('a', { href: URL.createObjectURL(blob), download: name || 'attachment' });
          document.body.append(a); a.click(); a.remove();
          setTimeout(() => URL.revokeObjectURL(a.href), 10000);
        }
        async function renderMessage(route, refresh) {
          const m = await api('/_emulator/messages/' + encodeURIComponent(route.vendor) + '/' + encodeURIComponent(route.id));
          const key = m.vendor + '/' + m.id;
          const existing = document.getElementById('message-html');
          // A live refresh keeps the frame (and its scroll) when the body did not change.
          const keepFrame = refresh && existing && state.messageKey === key && existing.dataset.html === (m.html || '');
          state.messageKey = key;
          const meta = el('dl', { class: 'meta' });
          const add = (k, v) => { if (v !== null && v !== undefined && v !== '') meta.append(el('dt', {}, k), el('dd', {}, v)); };
          add('Vendor', el('span', { class: 'tag ' + m.vendor }, m.vendor));
          add('Tenant', m.tenant);
          add('Id', el('span', { class: 'mono' }, m.id));
          add('From', m.from);
          add('To', (m.to || []).join(', '));
          add('Cc', (m.cc || []).join(', '));
          add('Bcc', (m.bcc || []).join(', '));
          add('Created', fmtTime(m.created_at));
          add('Status', el('span', { class: statusClass(m.status), id: 'message-status' }, m.status || ''));
          if (m.vendor_path) {
            add('Vendor API', el('span', {}, el('a', { href: m.vendor_path, id: 'vendor-link', rel: 'noreferrer' }, m.vendor_path),
              el('span', { class: 'muted' }, ' (needs the vendor\'s credentials)')));
          }
          const timeline = el('ol', { class: 'timeline', id: 'timeline' }, (m.events || []).map((e) =>
            el('li', {}, el('strong', {}, e.type), ' ', el('span', { class: 'muted mono' }, fmtTime(e.at)),
              e.detail ? el('div', { class: 'muted' }, e.detail) : null)));
          let htmlCard;
          if (keepFrame) {
            htmlCard = existing.closest('.card');
          } else if (m.html) {
            const toggle = el('input', { type: 'checkbox', id: 'remote-images', checked: state.remoteImages,
              onchange: (ev) => { state.remoteImages = ev.target.checked; frame.srcdoc = frameDocument(m.html, state.remoteImages); } });
            const frame = bodyFrame(m.html);
            frame.dataset.html = m.html;
            htmlCard = el('div', { class: 'card' }, el('h3', {}, 'HTML ', el('label', { class: 'muted' }, toggle, ' load remote images')), frame);
          } else {
            htmlCard = el('div', { class: 'card' }, el('h3', {}, 'HTML'), el('p', { class: 'muted' }, 'No HTML part.'));
          }
          const text = el('div', { class: 'card' }, el('h3', {}, 'Text'),
            m.text ? el('pre', { id: 'message-text' }, m.text) : el('p', { class: 'muted' }, 'No text part.'));
          const headers = el('div', { class: 'card' }, el('h3', {}, 'Headers'), (m.headers || []).length
            ? el('table', {}, el('tbody', {}, m.headers.map((h) => el('tr', {}, el('th', {}, h.name), el('td', { class: 'mono' }, h.value)))))
            : el('p', { class: 'muted' }, 'None.'));
          const attachments = el('div', { class: 'card' }, el('h3', {}, 'Attachments'), (m.attachments || []).length
            ? el('ul', {}, m.attachments.map((a) => el('li', {}, el('button', { class: 'linkish', onclick: () => download(a.url, a.name) }, a.name || 'attachment'),
              el('span', { class: 'muted' }, ' ' + (a.content_type || '') + ', ' + a.size + ' bytes'))))
            : el('p', { class: 'muted' }, 'None.'));
          const extracted = el('div', { class: 'card' }, el('h3', {}, 'Links and codes'),
            (m.links || []).length ? el('ul', { id: 'links' }, m.links.map((l) => el('li', {}, safeLink(l)))) : el('p', { class: 'muted' }, 'No links.'),
            (m.codes || []).length ? el('p', { id: 'codes' }, 'Codes: ', m.codes.map((c, i) => [i ? ', ' : '', el('code', {}, c)])) : null);
          const title = el('h2', { id: 'message-subject' }, m.subject || '(no subject)');
          const page = el('div', {}, el('p', {}, el('a', { href: '#/' }, '← Inbox')), title,
            el('div', { class: 'grid' },
              el('div', {}, htmlCard, text, headers),
              el('div', {}, el('div', { class: 'card' }, meta), el('div', { class: 'card' }, el('h3', {}, 'Timeline (emulator clock)'), timeline),
                extracted, attachments)));
          clear(view).append(page);
          if (route.online && !refresh) htmlCard.scrollIntoView();
        }

        // ---- webhooks (delivery journal) ----
        async function allPages(path, params, keep) {
          let out = [], cursor = null;
          for (let i = 0; i < 20; i++) {
            const page = await api(path + query(Object.assign({ limit: 1000, cursor }, params)));
            out = out.concat(page.data);
            if (out.length > keep) out = out.slice(out.length - keep);
            if (!page.has_more) break;
            cursor = page.next;
          }
          return out.reverse();
        }
        /// The journals' headers: an object, name (lower-cased) → value.
        function headerTable(headers) {
          const rows = Object.entries(headers || {}).map(([name, value]) =>
            el('tr', {}, el('th', {}, name), el('td', { class: 'mono' }, value)));
          return el('table', {}, el('tbody', {}, rows));
        }
        async function renderWebhooks() {
          const list = await allPages('/_emulator/deliveries', {}, 200);
          const rows = list.map((d) => {
            const ok = d.status !== null && d.status >= 200 && d.status < 300;
            const outcome = d.status !== null ? String(d.status) : 'failed: ' + (d.error || '');
            const replay = el('button', { class: 'replay', onclick: async (ev) => {
              ev.preventDefault();
              try { await api('/_emulator/deliveries/' + d.seq + '/replay', { method: 'POST' }); ev.target.textContent = 'Replay queued'; }
              catch (e) { if (!(e instanceof Unauthorized)) showError(e.message); }
            } }, 'Replay');
            return el('details', { class: 'row delivery', 'data-seq': d.seq },
              el('summary', {}, el('span', { class: 'mono muted' }, '#' + d.seq), el('span', { class: 'mono' }, fmtTime(d.at)),
                el('span', { class: 'tag ' + d.vendor }, d.vendor), el('strong', {}, d.event_type), el('span', { class: 'mono' }, d.url),
                el('span', {}, 'attempt ' + d.attempt), d.replay_of ? el('span', { class: 'muted' }, 'replay of #' + d.replay_of) : null,
                el('span', { class: ok ? 'status good' : 'status bad' }, outcome),
                d.next_attempt ? el('span', { class: 'muted' }, 'next ' + fmtTime(d.next_attempt)) : null,
                el('span', { class: 'spacer' }), replay),
              el('div', {}, el('p', { class: 'muted' }, 'Tenant ' + d.tenant + ' · endpoint ' + d.endpoint_id + ' · delivery ' + d.delivery_id
                + ' · ' + d.duration_ms + ' ms'),
                el('h4', {}, 'Request headers (signature included)'), headerTable(d.request_headers),
                el('h4', {}, 'Request body'), el('pre', {}, d.request_body)));
          });
          const open = new Set([...view.querySelectorAll('details.delivery[open]')].map((d) => d.dataset.seq));
          for (const r of rows) if (open.has(r.dataset.seq)) r.open = true;
          clear(view).append(el('h2', {}, 'Webhook deliveries'),
            el('p', { class: 'muted' }, 'Every webhook POST the emulator made, newest first (last 200).'),
            rows.length ? el('div', { id: 'deliveries' }, rows) : el('p', { class: 'muted', id: 'deliveries' }, 'No deliveries yet.'));
        }

        // ---- requests (request journal) ----
        async function renderRequests() {
          const list = await allPages('/_emulator/requests', {}, 200);
          const rows = list.map((r) => el('details', { class: 'row request' },
            el('summary', {}, el('span', { class: 'mono muted' }, fmtTime(r.at)), el('strong', {}, r.method),
              el('span', { class: 'mono' }, r.path + (r.query ? '?' + r.query : '')), r.vendor ? el('span', { class: 'tag ' + r.vendor }, r.vendor) : null,
              el('span', { class: r.status >= 400 ? 'status bad' : 'status good' }, r.status === null ? '—' : String(r.status)),
              el('span', { class: 'muted' }, r.latency_ms + ' ms'), r.fault ? el('span', { class: 'status bad' }, 'fault ' + r.fault) : null),
            el('div', {}, el('p', { class: 'muted' }, 'Route ' + (r.route || '—') + ' · tenant ' + (r.tenant || '—') + ' · ' + r.protocol
              + ' · from ' + r.remote_address + ' to ' + r.local_address + ' · ' + r.request_bytes + ' → ' + r.response_bytes + ' bytes'),
              el('h4', {}, 'Request headers'), headerTable(r.request_headers), el('h4', {}, 'Response headers'), headerTable(r.response_headers))));
          clear(view).append(el('h2', {}, 'Requests'), el('p', { class: 'muted' }, 'The request journal, newest first (last 200; credentials redacted).'),
            rows.length ? el('div', {}, rows) : el('p', { class: 'muted' }, 'No requests yet.'));
        }

        // ---- faults ----
        async function renderFaults() {
          const faults = await api('/_emulator/faults');
          const list = faults.data || [];
          const vendor = vendorSelect('', null, 'Any vendor'); vendor.name = 'vendor'; vendor.id = 'fault-vendor';
          const method = el('select', { name: 'method', id: 'fault-method' }, ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => el('option', { value: m }, m || 'Any')));
          const route = el('input', { name: 'route', id: 'fault-route', placeholder: '/emails', size: 26 });
          const kind = el('select', { name: 'kind', id: 'fault-kind' },
            el('option', { value: 'status' }, 'answer with status'), el('option', { value: 'delay_ms' }, 'delay (ms)'),
            el('option', { value: 'after_commit' }, 'drop after commit'), el('option', { value: 'before' }, 'drop before handling'),
            el('option', { value: 'reset' }, 'TCP reset'));
          const value = el('input', { name: 'value', id: 'fault-value', value: '503', size: 6 });
          const times = el('input', { name: 'times', id: 'fault-times', type: 'number', min: 1, value: 1, size: 4 });
          kind.addEventListener('change', () => { value.value = kind.value === 'status' ? '503' : kind.value === 'delay_ms' ? '1000' : ''; value.disabled = !['status', 'delay_ms'].includes(kind.value); });
          const form = el('form', { class: 'fault card', id: 'fault-form', onsubmit: async (ev) => {
            ev.preventDefault();
            const match = {};
            if (vendor.value) match.vendor = vendor.value;
            if (method.value) match.method = method.value;
            const r = route.value.trim();
            if (r) { if (r.includes('*')) match.path = r; else match.route = r; }
            let action;
            if (kind.value === 'status') action = { status: Number(value.value) };
            else if (kind.value === 'delay_ms') action = { delay_ms: Number(value.value) };
            else if (kind.value === 'reset') action = { reset: true };
            else action = { drop: kind.value };
            try {
              await api('/_emulator/faults', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ match, action, times: Number(times.value) || 1 }) });
              render(false);
            } catch (e) { if (!(e instanceof Unauthorized)) showError(e.message); }
          } },
            el('label', {}, 'Vendor', vendor), el('label', {}, 'Method', method), el('label', {}, 'Route or path glob', route),
            el('label', {}, 'Action', kind), el('label', {}, 'Status / ms', value), el('label', {}, 'Times', times),
            el('button', { type: 'submit', class: 'primary', id: 'fault-add' }, 'Add fault'));
          const removeAll = el('button', { onclick: async () => { await api('/_emulator/faults', { method: 'DELETE' }); render(false); } }, 'Remove all');
          const rows = list.map((f) => el('tr', { class: 'fault-row', 'data-id': f.id },
            el('td', { class: 'mono' }, f.id), el('td', { class: 'mono' }, JSON.stringify(f.match)), el('td', { class: 'mono' }, JSON.stringify(f.action)),
            el('td', {}, String(f.times)), el('td', {}, String(f.fired)), el('td', {}, String(f.remaining)),
            el('td', {}, el('button', { class: 'remove', onclick: async () => {
              await api('/_emulator/faults/' + encodeURIComponent(f.id), { method: 'DELETE' }); render(false);
            } }, 'Remove'))));
          clear(view).append(el('h2', {}, 'Faults'),
            el('p', { class: 'muted' }, 'The next matching vendor calls fail in the vendor\'s own error format.'), form,
            el('table', { id: 'faults' }, el('thead', {}, el('tr', {}, ['Id', 'Match', 'Action', 'Times', 'Fired', 'Remaining', ''].map((h) => el('th', {}, h)))),
              el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No fault rules.')))),
            el('p', {}, removeAll));
        }

        // ---- clock and reset ----
        async function renderSystem() {
          const c = await api('/_emulator/clock');
          const out = el('pre', { id: 'system-result' }, '');
          const show = (x) => { out.textContent = JSON.stringify(x, null, 2); };
          const seconds = el('input', { id: 'advance-seconds', type: 'number', min: 0, value: 60, size: 8 });
          const vendor = vendorSelect('', null, 'Every vendor'); vendor.id = 'reset-vendor';
          const tenant = el('input', { id: 'reset-tenant', placeholder: 'Tenant (optional)', size: 14 });
          const withClock = el('input', { type: 'checkbox', id: 'reset-clock' });
          const run = (fn) => async () => { try { show(await fn()); loadClock(); } catch (e) { if (!(e instanceof Unauthorized)) showError(e.message); } };
          const params = () => ({ vendor: vendor.value, tenant: tenant.value.trim() });
          clear(view).append(el('h2', {}, 'Clock'),
            el('div', { class: 'card' }, el('p', {}, 'Emulator time ', el('strong', { id: 'system-now' }, fmtTime(c.now)), el('span', { class: 'muted' }, ' (offset ' + c.offset_ms + ' ms)')),
              el('p', {}, 'Advance by ', seconds, ' s ', el('button', { id: 'advance-button', onclick: async () => { await advance(Number(seconds.value)); render(false); } }, 'Advance'), ' ',
                el('button', { onclick: run(() => api('/_emulator/clock/reset', { method: 'POST' })) }, 'Back to real time'))),
            el('h2', {}, 'Reset'),
            el('div', { class: 'card' }, el('p', {}, vendor, ' ', tenant, ' ', el('label', {}, withClock, ' also the clock')),
              el('p', {}, el('button', { id: 'reset-button', onclick: run(() => api('/_emulator/reset' + query(Object.assign(params(), { clock: withClock.checked ? 1 : '' })), { method: 'POST' })) }, 'Reset to the fixtures'), ' ',
                el('button', { id: 'forget-button', onclick: run(() => api('/_emulator/messages' + query(params()), { method: 'DELETE' })) }, 'Forget messages only')),
              el('p', { class: 'muted' }, 'A tenant needs a vendor for "forget"; reset without a vendor resets every vendor and removes the fault rules.')),
            out);
        }

        loadClock();
        render(false);
        follow();
        })();
        """#
}

/* The contact's phone page: polls /sandbox/api for the chat and acts for the contact.
   Plain browser JavaScript, no build step. Text from messages is only ever set as textContent. */
/* global document, window, fetch, localStorage, FormData, setTimeout, clearTimeout */
'use strict';

(function main() {
  const API = '/sandbox/api';
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);

  const els = {
    title: $('chat-title'),
    subtitle: $('chat-subtitle'),
    initial: $('business-initial'),
    badge: $('window-badge'),
    whoForm: $('who-form'),
    whoNumber: $('who-number'),
    whoName: $('who-name'),
    known: $('known-phones'),
    chat: $('chat'),
    composer: $('composer'),
    message: $('message'),
    send: $('send'),
    picture: $('picture'),
    file: $('file'),
    locationForm: $('location-form'),
    locationSend: $('location-send'),
    readReceipts: $('read-receipts'),
    failNext: $('fail-next'),
    phoneWho: $('phone-who'),
    clockNow: $('clock-now'),
    clockOffset: $('clock-offset'),
    windowText: $('window-text'),
    webhooks: $('webhooks-summary'),
    webhooksStopped: $('webhooks-stopped'),
    tokenRefused: $('token-refused'),
    toast: $('toast'),
  };

  let number = localStorage.getItem('sandbox.number') || '';
  let renderedVersion = -1;
  let pollTimer;
  let toastTimer;

  // ---------------------------------------------------------------------------------------
  // Talking to the sandbox.

  async function call(method, path, body) {
    const init = { method, headers: {} };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, init);
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.error || 'The sandbox answered HTTP ' + response.status);
    return json;
  }

  const phonePath = () => '/phones/' + encodeURIComponent(number);

  function act(promise) {
    return promise.then(refresh).catch((error) => toast(error.message, true));
  }

  function toast(text, isError) {
    els.toast.textContent = text;
    els.toast.classList.toggle('error', Boolean(isError));
    els.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      els.toast.hidden = true;
    }, 4000);
  }

  // ---------------------------------------------------------------------------------------
  // Rendering.

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const fullFormat = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  const TICKS = {
    sending: ['🕓', 'Sending'],
    sent: ['✓', 'Sent'],
    delivered: ['✓✓', 'Delivered'],
    read: ['✓✓', 'Delivered'], // the business's reads are never shown to contacts
    failed: ['!', 'Not sent'],
  };

  function renderState(state) {
    els.title.textContent = state.business.name;
    els.subtitle.textContent = '+' + state.business.displayPhoneNumber + ' · WhatsApp sandbox';
    els.initial.textContent = state.business.name.slice(0, 1).toUpperCase();
    document.title = state.business.name + ' · WhatsApp sandbox';
    els.known.replaceChildren(
      ...state.phones.map((p) => {
        const option = el('option');
        option.value = p.number;
        option.label = p.name;
        return option;
      }),
    );
    if (els.failNext.options.length <= 1) {
      for (const choice of state.failureChoices) {
        const option = el('option', null, choice.code + ' · ' + choice.title);
        option.value = String(choice.code);
        els.failNext.append(option);
      }
    }
  }

  function renderPhone(data) {
    els.whoNumber.value =
      els.whoNumber === document.activeElement ? els.whoNumber.value : data.number;
    if (els.whoName !== document.activeElement) els.whoName.value = data.name;
    els.phoneWho.textContent = data.name + ' · +' + data.number;
    for (const control of [els.message, els.send, els.readReceipts, els.failNext, els.locationSend])
      control.disabled = false;
    els.readReceipts.checked = data.readReceipts;
    if (els.failNext !== document.activeElement) {
      els.failNext.value = data.failNextDelivery === null ? '' : String(data.failNextDelivery);
    }
    renderClock(data);
    if (data.version === renderedVersion) return;
    const first = renderedVersion === -1;
    renderedVersion = data.version;
    renderChat(data.messages, first);
  }

  function renderClock(data) {
    els.clockNow.textContent = fullFormat.format(new Date(data.now));
    const ahead = Math.round((data.now - Date.now()) / 3600000);
    els.clockOffset.textContent = ahead >= 1 ? '(' + ahead + ' h ahead of real time)' : '';
    els.badge.hidden = false;
    if (data.window.open) {
      const left = data.window.closesAt - data.now;
      const hours = Math.floor(left / 3600000);
      const minutes = Math.floor((left % 3600000) / 60000);
      els.badge.textContent = 'Window open';
      els.badge.className = 'window-badge';
      els.windowText.textContent =
        'Window open for ' + hours + ' h ' + minutes + ' min: the business may send anything.';
    } else {
      els.badge.textContent = 'Window closed';
      els.badge.className = 'window-badge closed';
      els.windowText.textContent =
        data.window.closesAt === null
          ? 'The contact has not written yet: only templates can reach them.'
          : 'Window closed ' +
            fullFormat.format(new Date(data.window.closesAt)) +
            ': only templates can reach the contact.';
    }
  }

  function renderChat(messages, first) {
    const nearBottom = els.chat.scrollHeight - els.chat.scrollTop - els.chat.clientHeight < 80;
    const items = [];
    const byId = new Map(messages.map((m) => [m.id, m]));
    let day = '';
    for (const m of messages) {
      const thisDay = dayFormat.format(new Date(m.at));
      if (thisDay !== day) {
        day = thisDay;
        items.push(el('li', 'day', thisDay));
      }
      items.push(m.kind === 'undelivered' ? renderUndelivered(m) : renderMessage(m, byId));
    }
    if (items.length === 0)
      items.push(
        el('li', 'empty', 'No messages yet. Write to the business, or wait for it to write.'),
      );
    els.chat.replaceChildren(...items);
    if (nearBottom || first) els.chat.scrollTop = els.chat.scrollHeight;
  }

  function renderUndelivered(m) {
    const what = m.template
      ? 'template ' + m.template.name
      : m.text
        ? '“' + m.text.slice(0, 60) + '”'
        : m.image
          ? 'a picture'
          : m.media
            ? m.media.filename || 'a file'
            : 'a message';
    return el(
      'li',
      'note failed',
      'Not delivered to this phone: ' +
        what +
        ' (' +
        m.error.code +
        ' ' +
        m.error.title +
        '). The business gets a failed status.',
    );
  }

  function renderMessage(m, byId) {
    const mine = m.from === 'contact';
    const li = el('li', 'message ' + (mine ? 'out' : 'in'));
    const bubble = el('div', 'bubble');
    li.append(bubble);
    if (m.kind === 'template') bubble.append(el('div', 'kind', 'Template · ' + m.template.name));
    if (m.replyTo) {
      const quoted = byId.get(m.replyTo);
      bubble.append(
        el(
          'div',
          'quote',
          quoted
            ? (
                quoted.text ||
                (quoted.image
                  ? 'Picture'
                  : quoted.media
                    ? quoted.media.filename || 'File'
                    : 'Message')
              ).slice(0, 80)
            : 'Earlier message',
        ),
      );
    }
    if (m.header) bubble.append(el('div', 'header', m.header));
    if (m.image && m.image.mediaId) {
      const img = el('img');
      img.src = API + '/media/' + encodeURIComponent(m.image.mediaId);
      img.alt = m.image.caption
        ? m.image.caption
        : mine
          ? 'Picture you sent'
          : 'Picture from the business';
      img.loading = 'lazy';
      bubble.append(img);
      if (m.image.caption) bubble.append(el('div', 'text', m.image.caption));
    }
    if (m.media && m.media.mediaId) bubble.append(renderMedia(m.media, mine));
    if (m.location) bubble.append(renderLocation(m.location));
    if (m.text) bubble.append(el('div', 'text', m.text));
    if (m.footer) bubble.append(el('div', 'footer', m.footer));
    const meta = el('div', 'meta');
    const time = el('time', null, timeFormat.format(new Date(m.at)));
    time.dateTime = new Date(m.at).toISOString();
    meta.append(time);
    if (mine) {
      const [symbol, label] = TICKS[m.status] || TICKS.sent;
      const ticks = el('span', 'ticks', symbol);
      ticks.setAttribute('role', 'img');
      ticks.setAttribute('aria-label', label);
      ticks.title = label;
      meta.append(ticks);
    }
    bubble.append(meta);
    if (m.buttons && m.buttons.length) {
      const group = el('div', 'quick-replies');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Reply buttons');
      for (const button of m.buttons) {
        const b = el('button', null, button.title);
        b.type = 'button';
        b.addEventListener('click', () =>
          act(call('POST', phonePath() + '/taps', { messageId: m.id, index: button.index })),
        );
        group.append(b);
      }
      li.append(group);
    }
    if (m.list) li.append(renderList(m));
    return li;
  }

  const MEDIA_LABELS = {
    document: 'Document',
    audio: 'Audio',
    voice: 'Voice message',
    video: 'Video',
    sticker: 'Sticker',
  };

  function sizeLabel(bytes) {
    if (bytes === undefined || bytes === null) return '';
    if (bytes < 1024) return bytes + ' bytes';
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + ' KB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  function renderMedia(media, mine) {
    const url = API + '/media/' + encodeURIComponent(media.mediaId);
    if (media.kind === 'sticker') {
      const img = el('img', 'sticker');
      img.src = url;
      img.alt = mine ? 'Sticker you sent' : 'Sticker from the business';
      return img;
    }
    const box = el('div', 'file');
    const link = el('a', null, media.filename || MEDIA_LABELS[media.kind] || 'File');
    link.href = url;
    link.download = media.filename || '';
    box.append(link);
    const details = [MEDIA_LABELS[media.kind], sizeLabel(media.size)].filter(Boolean).join(' · ');
    if (details) box.append(el('small', null, details));
    if (media.caption) box.append(el('div', 'text', media.caption));
    return box;
  }

  function renderLocation(location) {
    const box = el('div', 'file');
    box.append(el('strong', null, '📍 ' + (location.name || 'Location')));
    if (location.address) box.append(el('small', null, location.address));
    return box;
  }

  function renderList(m) {
    const details = el('details', 'list');
    details.append(el('summary', null, '☰ ' + m.list.button));
    const rows = el('div', 'list-rows');
    for (const section of m.list.sections) {
      if (section.title) rows.append(el('div', 'hint', section.title));
      for (const row of section.rows) {
        const b = el('button', null, row.title);
        b.type = 'button';
        if (row.description) b.append(el('small', null, row.description));
        b.addEventListener('click', () =>
          act(call('POST', phonePath() + '/list-replies', { messageId: m.id, rowId: row.id })),
        );
        rows.append(b);
      }
    }
    details.append(rows);
    return details;
  }

  function renderWebhooks(deliveries) {
    if (deliveries.length === 0) {
      els.webhooks.textContent = 'None yet.';
      return;
    }
    const count = (state) => deliveries.filter((d) => d.state === state).length;
    const held = count('held') ? count('held') + ' held (webhooks stopped), ' : '';
    const last = deliveries[deliveries.length - 1];
    const lastAttempt = last.attempts[last.attempts.length - 1];
    const answer = lastAttempt
      ? lastAttempt.httpStatus
        ? 'HTTP ' + lastAttempt.httpStatus
        : lastAttempt.error
      : 'not tried yet';
    els.webhooks.textContent =
      held +
      count('delivered') +
      ' delivered, ' +
      count('pending') +
      ' pending, ' +
      count('failed') +
      ' failed. Last: ' +
      last.state +
      ' (' +
      answer +
      ').';
  }

  // ---------------------------------------------------------------------------------------
  // Polling.

  // Like a phone, the sandbox reads the business's messages only while the chat is on screen:
  // the page says so with every poll (the sandbox holds it a few seconds), and at once when
  // the tab is hidden or shown, or another phone is chosen.
  function chatOnScreen() {
    return Boolean(number) && document.visibilityState === 'visible';
  }

  function reportViewing(visible, forNumber) {
    const who = forNumber || number;
    if (!who) return Promise.resolve();
    return fetch(API + '/phones/' + encodeURIComponent(who) + '/viewing', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visible }),
      keepalive: true,
    }).catch(() => undefined);
  }

  async function refresh() {
    try {
      if (chatOnScreen()) await reportViewing(true);
      const state = await call('GET', '/state');
      renderState(state);
      if (number) renderPhone(await call('GET', phonePath()));
      const webhooks = await call('GET', '/webhooks');
      renderWebhooks(webhooks.deliveries);
      els.webhooksStopped.checked = webhooks.stopped;
      els.tokenRefused.checked = (await call('GET', '/token')).refused;
    } catch (error) {
      toast(error.message, true);
    }
  }

  function poll() {
    clearTimeout(pollTimer);
    refresh().finally(() => {
      pollTimer = setTimeout(poll, POLL_MS);
    });
  }

  // ---------------------------------------------------------------------------------------
  // What the contact does.

  els.whoForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = els.whoNumber.value.replace(/[^\d]/g, '');
    const name = els.whoName.value.trim();
    const path = '/phones/' + encodeURIComponent(chosen);
    if (number && number !== chosen) reportViewing(false, number);
    (name ? call('PUT', path, { name }) : call('GET', path))
      .then((data) => {
        number = data.number;
        localStorage.setItem('sandbox.number', number);
        renderedVersion = -1;
        renderPhone(data);
        els.message.focus();
      })
      .catch((error) => toast(error.message, true));
  });

  els.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = els.message.value.trim();
    if (!text || !number) return;
    els.message.value = '';
    act(call('POST', phonePath() + '/messages', { text }));
  });

  els.picture.addEventListener('change', () => {
    const file = els.picture.files && els.picture.files[0];
    els.picture.value = '';
    if (!file) return;
    if (!number) return toast('Choose a contact number first.', true);
    const form = new FormData();
    form.append('file', file, file.name);
    const caption = els.message.value.trim();
    if (caption) {
      form.append('caption', caption);
      els.message.value = '';
    }
    act(call('POST', phonePath() + '/images', form));
  });

  els.file.addEventListener('change', () => {
    const file = els.file.files && els.file.files[0];
    els.file.value = '';
    if (!file) return;
    if (!number) return toast('Choose a contact number first.', true);
    const form = new FormData();
    form.append('file', file, file.name);
    const caption = els.message.value.trim();
    if (caption) {
      form.append('caption', caption);
      els.message.value = '';
    }
    act(call('POST', phonePath() + '/files', form));
  });

  els.locationForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!number) return toast('Choose a contact number first.', true);
    const body = {
      latitude: Number($('location-lat').value),
      longitude: Number($('location-lon').value),
      name: $('location-name').value.trim() || undefined,
      address: $('location-address').value.trim() || undefined,
    };
    act(call('POST', phonePath() + '/locations', body));
  });

  els.readReceipts.addEventListener('change', () => {
    act(call('PATCH', phonePath() + '/settings', { readReceipts: els.readReceipts.checked }));
  });

  els.webhooksStopped.addEventListener('change', () => {
    const stopped = els.webhooksStopped.checked;
    act(
      call('PUT', '/webhooks', { stopped }).then((answer) =>
        toast(
          stopped
            ? 'Webhooks stopped: what happens now is held.'
            : 'Webhooks resumed: ' + answer.released + ' held, now delivered in order.',
        ),
      ),
    );
  });

  els.tokenRefused.addEventListener('change', () => {
    const refused = els.tokenRefused.checked;
    act(
      call('POST', '/token', { refused }).then(() =>
        toast(refused ? 'The access token is refused now (190).' : 'The access token works again.'),
      ),
    );
  });

  els.failNext.addEventListener('change', () => {
    const code = els.failNext.value ? Number(els.failNext.value) : null;
    act(call('PATCH', phonePath() + '/settings', { failNextDelivery: code }));
  });

  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', () => {
      act(
        call('POST', '/clock', { advanceMs: Number(button.dataset.advance) }).then(() =>
          toast('Clock moved ' + button.textContent + '.'),
        ),
      );
    });
  }

  if (number) els.whoNumber.value = number;
  poll();
  window.addEventListener('focus', refresh);
  document.addEventListener('visibilitychange', () => {
    if (chatOnScreen()) refresh();
    else reportViewing(false);
  });
  window.addEventListener('pagehide', () => reportViewing(false));
})();

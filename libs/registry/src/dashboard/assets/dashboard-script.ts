/**
 * The dashboard's script (plain browser JavaScript, no framework), served at
 * `<path>/dashboard.js`. It renders each snapshot pushed on `<path>/events` (EventSource
 * reconnects by itself) with DOM calls and `textContent` only, so registry data is never parsed
 * as HTML. A one-second timer only re-renders ages and the lease's TTL countdown locally.
 * @internal
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(function () {
  var latest = null;
  var receivedAt = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs.text;
      else if (name === 'className') node.className = attrs.className;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function ago(iso) {
    if (!iso) return '—';
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' d';
  }
  function secondsLeft(deadline) {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000)) + ' s';
  }
  function metadata(meta) {
    return Object.keys(meta || {}).sort().map(function (k) { return k + '=' + meta[k]; }).join(' ');
  }
  function table(headers, rows) {
    var head = el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }));
    return el('table', {}, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  }
  function setStatus(id, action) {
    fetch('instances/' + encodeURIComponent(id) + '/' + action, { method: 'POST' }).then(function (res) {
      if (!res.ok) res.text().then(function (text) { window.alert(action + ' failed: ' + text); });
    });
  }

  function renderOwn(s) {
    var lease = s.lease;
    var deadline = lease.ttlLeftMs === null ? null : receivedAt + lease.ttlLeftMs;
    var facts = [
      ['lease', el('dd', { text: lease.id || '—' })], ['state', el('dd', { text: lease.state })], ['TTL', el('dd', { text: lease.ttl + ' s' })],
      ['TTL left', deadline === null ? el('dd', { text: '—' }) : el('dd', { 'data-deadline': String(deadline), text: secondsLeft(deadline) })],
      ['since last renewal', lease.lastRenewal ? el('dd', { 'data-age': lease.lastRenewal, text: ago(lease.lastRenewal) }) : el('dd', { text: '—' })],
    ];
    if (lease.lastError) facts.push(['last error', el('dd', { text: lease.lastError })]);
    if (s.xds) facts.push(['xDS', el('dd', { 'data-xds': s.xds.address, text: 'serving on ' + s.xds.address + ': ' + s.xds.clients + ' clients, ' + s.xds.pushes + ' pushes, ' + s.xds.nacks + ' NACKs' })]);
    var dl = el('dl', {}, facts.flatMap(function (f) { return [el('dt', { text: f[0] }), f[1]]; }));
    var rows = s.registrations.map(function (r) {
      var actions = el('td');
      if (!s.readOnly) {
        var drained = r.status === 'OUT_OF_SERVICE';
        var button = el('button', { type: 'button', text: drained ? 'Undrain' : 'Drain' });
        button.addEventListener('click', function () { setStatus(r.instanceId, drained ? 'undrain' : 'drain'); });
        actions.appendChild(button);
      }
      return el('tr', { 'data-registration': r.instanceId }, [
        el('td', { text: r.service }), el('td', { text: r.key }), el('td', { text: r.status, className: 'status-' + r.status }),
        el('td', { text: r.confirmed ? 'yes' : 'no' + (r.heldBy ? ' (held by lease ' + r.heldBy + ')' : '') }), actions,
      ]);
    });
    var body = document.getElementById('own-body');
    body.replaceChildren(dl, rows.length ? table(['service', 'key', 'status', 'confirmed', ''], rows) : el('p', { className: 'muted', text: 'No registrations.' }));
  }

  // A permanent instance's check and the result that last set its status, e.g. "http:/health, last: fail HTTP 503 at 10:02:03".
  function checkText(c) {
    var last = c.last ? ', last: ' + (c.last.ok ? 'pass ' : 'fail ') + c.last.detail + ' at ' + new Date(c.last.at).toLocaleTimeString() : ', not checked yet';
    return c.type + (c.path ? ':' + c.path : '') + last;
  }

  function renderServices(s) {
    var sections = s.services.map(function (svc) {
      var count = el('span', { className: 'count' + (svc.up === 0 ? ' none' : svc.up < svc.total ? ' partial' : ''), text: svc.up + '/' + svc.total + ' healthy' });
      var title = el('h3', {}, [el('span', { text: svc.key }), count,
        svc.stale ? el('span', { className: 'badge stale', text: 'stale since ' + new Date(svc.staleSince).toLocaleTimeString() }) : null]);
      var rows = svc.instances.map(function (i) {
        return el('tr', { 'data-instance-id': i.id }, [
          el('td', {}, [document.createTextNode(i.serviceHost + ':' + i.servicePort), i.own ? el('span', { className: 'own', text: ' (this process)' }) : null,
            i.ephemeral === false ? el('span', { className: 'own', 'data-permanent': '', text: ' (permanent' + (i.check ? ', ' + checkText(i.check) : '') + ')' }) : null]),
          el('td', { text: i.protocol }), el('td', { text: i.status, className: 'status-' + i.status }), el('td', { text: String(i.weight) }),
          el('td', { text: i.zone || '—' }), el('td', { text: i.serviceVersion }), el('td', { text: i.serviceGroup }),
          el('td', { className: 'meta', text: metadata(i.metadata) }), el('td', { 'data-age': i.registeredAt, text: ago(i.registeredAt) }),
        ]);
      });
      var error = svc.lastError ? el('p', { className: 'muted', text: svc.lastError }) : null;
      return el('section', { className: 'service', 'data-service': svc.key }, [title, error,
        rows.length ? table(['address', 'protocol', 'status', 'weight', 'zone', 'version', 'group', 'metadata', 'age'], rows) : null]);
    });
    if (s.listError) sections.unshift(el('p', { className: 'muted', text: 'Service list not read: ' + s.listError }));
    if (!sections.length) sections.push(el('p', { className: 'muted', text: 'No services in namespace "' + s.namespace + '".' }));
    document.getElementById('services-body').replaceChildren.apply(document.getElementById('services-body'), sections);
  }

  function renderEvents(s) {
    var items = s.events.map(function (e) {
      return el('li', { 'data-event-type': e.type, text: new Date(e.at).toLocaleTimeString() + '  ' + e.type + '  ' + e.service + '  ' + (e.instanceId || '') + '  ' + e.detail });
    });
    var list = document.getElementById('events-body');
    list.replaceChildren.apply(list, items.length ? items : [el('li', { className: 'muted', text: 'No events yet.' })]);
  }

  function render() {
    if (!latest) return;
    var total = latest.services.reduce(function (n, svc) { return n + svc.total; }, 0);
    document.getElementById('summary').textContent = latest.services.length + ' services, ' + total + ' instances in namespace "' +
      latest.namespace + '" on ' + latest.backend.kind + ' (' + latest.backend.endpoints.join(', ') + ')';
    renderOwn(latest);
    renderServices(latest);
    renderEvents(latest);
  }

  function feed(state, text) {
    var node = document.getElementById('feed');
    node.setAttribute('data-state', state);
    node.textContent = 'live feed: ' + text;
  }

  var source = new EventSource('events');
  source.addEventListener('open', function () { feed('live', 'connected'); });
  source.addEventListener('error', function () { feed('lost', 'reconnecting…'); });
  source.addEventListener('snapshot', function (message) {
    latest = JSON.parse(message.data);
    receivedAt = Date.now();
    render();
  });
  setInterval(function () {
    document.querySelectorAll('[data-deadline]').forEach(function (cell) { cell.textContent = secondsLeft(Number(cell.getAttribute('data-deadline'))); });
    document.querySelectorAll('[data-age]').forEach(function (cell) { cell.textContent = ago(cell.getAttribute('data-age')); });
  }, 1000);
})();
`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The dashboard's HTML shell. `path` is where it was requested: it becomes the `<base>` so the
 * page finds its script, styles, data and feed below it behind any global prefix. The script
 * fills the page from the live feed; without JavaScript the `state` link shows the same data.
 * @internal
 */
export function renderDashboardPage(path: string): string {
  const base = `${path === '/' ? '' : path}/`.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<base href="${base}">
<title>Service registry</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard.css">
<script src="dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>Service registry</h1>
  <p id="summary">Connecting…</p>
  <p id="feed" class="feed" data-state="connecting">live feed: connecting</p>
</header>
<noscript><p>This page needs JavaScript for its live view; the same data is at <a href="state">state</a> (JSON).</p></noscript>
<main>
  <section id="own" aria-labelledby="own-title"><h2 id="own-title">This process</h2><div id="own-body"></div></section>
  <section id="services" aria-labelledby="services-title"><h2 id="services-title">Services</h2><div id="services-body"></div></section>
  <section id="events" aria-labelledby="events-title"><h2 id="events-title">Recent events</h2><ol id="events-body"></ol></section>
</main>
</body>
</html>
`;
}

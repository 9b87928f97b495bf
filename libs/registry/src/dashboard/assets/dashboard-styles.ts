/** The dashboard's stylesheet, served by the module at `<path>/dashboard.css`. @internal */
export const DASHBOARD_STYLES = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #b35900; --bad: #c62828; --muted: #6b7280; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 18px 0 8px; }
h3 { font-size: 14px; margin: 0; display: flex; gap: 12px; align-items: baseline; }
main { padding: 0 20px 20px; }
p { margin: 0; }
.feed[data-state="live"]::before { content: "● "; color: var(--ok); }
.feed[data-state="connecting"]::before, .feed[data-state="lost"]::before { content: "● "; color: var(--bad); }
.service { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 12px; padding: 10px 12px; }
.count { font-weight: 600; }
.count.partial { color: var(--warn); }
.count.none { color: var(--bad); }
.badge { font-size: 12px; border-radius: 10px; padding: 1px 8px; border: 1px solid currentColor; }
.badge.stale { color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; padding: 4px 8px; border-top: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.meta { font-family: ui-monospace, monospace; font-size: 12px; }
.status-UP { color: var(--ok); font-weight: 600; }
.status-DOWN { color: var(--bad); font-weight: 600; }
.status-OUT_OF_SERVICE, .status-STARTING { color: var(--warn); font-weight: 600; }
.own { font-size: 11px; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 0 0 8px; }
dt { color: var(--muted); }
dd { margin: 0; font-family: ui-monospace, monospace; }
ol#events-body { list-style: none; padding: 0; margin: 0; font-family: ui-monospace, monospace; font-size: 12px; }
ol#events-body li { white-space: pre-wrap; padding: 2px 0; border-top: 1px solid var(--line); }
.muted { color: var(--muted); }
button { font: inherit; font-size: 12px; }
`;

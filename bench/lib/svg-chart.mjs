// A line chart as a standalone SVG string (no dependency): log or linear axes, one polyline per
// series, a legend. Pure: the bench's plot script feeds it the points of a result JSON.

const W = 640;
const H = 400;
const M = { left: 70, right: 190, top: 45, bottom: 50 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3))));

/** A round step (1, 2 or 5 × 10^k) that cuts `span` into about five. */
function niceStep(span) {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw);
}

/** Tick values of an axis: powers of ten (log) or round steps from `min` (linear). */
function ticks(min, max, log) {
  if (!log) {
    const step = niceStep(max - min);
    return Array.from({ length: Math.floor((max - min) / step + 1e-9) + 1 }, (_, i) => min + i * step);
  }
  const out = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) out.push(10 ** p);
  return out;
}

/**
 * @param {{ title: string, xLabel: string, yLabel: string, logX?: boolean, logY?: boolean,
 *   subtitle?: string, series: Array<{ name: string, points: Array<[number, number]>, dashed?: boolean, colour?: number }> }} chart
 * @returns {string} the SVG document
 */
export function lineChart({ title, subtitle = '', xLabel, yLabel, logX = true, logY = false, series }) {
  const finite = ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  series = series.map((s) => ({ ...s, points: s.points.filter(finite) }));
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`chart "${title}": no points`);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [logY ? Math.min(...ys.filter((y) => y > 0)) : 0, Math.max(...ys)];
  if (logX) [xMin, xMax] = [10 ** Math.floor(Math.log10(xMin)), 10 ** Math.ceil(Math.log10(xMax))];
  if (logY) [yMin, yMax] = [10 ** Math.floor(Math.log10(yMin)), 10 ** Math.ceil(Math.log10(yMax))];
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) yMax = yMin + 1;
  if (!logY) yMax = Math.ceil(yMax / niceStep(yMax - yMin)) * niceStep(yMax - yMin);
  const scale = (v, min, max, log, from, to) => {
    const t = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
    return from + t * (to - from);
  };
  const px = (x) => scale(x, xMin, xMax, logX, M.left, W - M.right);
  const py = (y) => scale(Math.max(y, logY ? yMin : y), yMin, yMax, logY, H - M.bottom, M.top);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="${M.left}" y="33" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (const t of ticks(xMin, xMax, logX)) {
    out.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${px(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(yMin, yMax, logY)) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${escape(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[(s.colour ?? i) % COLOURS.length];
    const path = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour}"/>`);
    const ly = M.top + 10 + i * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 40}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

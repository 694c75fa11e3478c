/**
 * The stack benchmark's chart, as a self-contained SVG (no library): time per resource against
 * stack size, one panel per parallelism setting, one colour per operation, ours solid and the
 * engine floor dashed.
 */
import type { StackRow } from "./stack-bench";

const COLOURS: Record<string, string> = { preview: "#6a51a3", up: "#d94801", refresh: "#2171b5", destroy: "#238b45" };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v || 1));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function stackChart(rows: StackRow[], title: string): string {
  const parallels = [...new Set(rows.map((r) => r.parallel))];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const verbs = [...new Set(rows.map((r) => r.verb))];
  const W = 460;
  const H = 300;
  const m = { l: 56, r: 12, t: 46, b: 44 };
  const width = W * parallels.length;
  const height = H + 48;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
  ];
  parallels.forEach((p, pi) => {
    const x0 = pi * W;
    const rs = rows.filter((r) => r.parallel === p);
    const ymax = niceMax(Math.max(...rs.flatMap((r) => [r.oursMsPerResource, r.floorMsPerResource])));
    const xmin = sizes[0];
    const xmax = sizes[sizes.length - 1];
    const px = (s: number) => x0 + m.l + ((xmax === xmin ? 0.5 : (s - xmin) / (xmax - xmin)) * (W - m.l - m.r));
    const py = (v: number) => m.t + (1 - v / ymax) * (H - m.t - m.b);
    out.push(`<text x="${x0 + W / 2}" y="${m.t - 10}" text-anchor="middle">${p ? `--parallel ${p}` : "default parallelism"}</text>`);
    out.push(`<line x1="${x0 + m.l}" y1="${py(0)}" x2="${x0 + W - m.r}" y2="${py(0)}" stroke="#444"/>`);
    out.push(`<line x1="${x0 + m.l}" y1="${m.t}" x2="${x0 + m.l}" y2="${py(0)}" stroke="#444"/>`);
    for (let i = 0; i <= 4; i++) {
      const v = (ymax * i) / 4;
      out.push(`<line x1="${x0 + m.l}" y1="${py(v)}" x2="${x0 + W - m.r}" y2="${py(v)}" stroke="#ddd"/>`);
      out.push(`<text x="${x0 + m.l - 4}" y="${py(v) + 4}" text-anchor="end">${Math.round(v * 10) / 10}</text>`);
    }
    for (const s of sizes) out.push(`<text x="${px(s)}" y="${py(0) + 14}" text-anchor="middle">${s}</text>`);
    out.push(`<text x="${x0 + m.l + (W - m.l - m.r) / 2}" y="${H - 8}" text-anchor="middle">resources in the stack</text>`);
    out.push(`<text transform="translate(${x0 + 14},${m.t + (H - m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">ms per resource</text>`);
    for (const v of verbs) {
      const pts = rs.filter((r) => r.verb === v).sort((a, b) => a.size - b.size);
      for (const [side, dash] of [["ours", ""], ["floor", ' stroke-dasharray="5,4"']] as const) {
        const d = pts.map((r) => `${px(r.size).toFixed(1)},${py(side === "ours" ? r.oursMsPerResource : r.floorMsPerResource).toFixed(1)}`).join(" ");
        out.push(`<polyline points="${d}" fill="none" stroke="${COLOURS[v] ?? "#000"}" stroke-width="2"${dash}/>`);
        for (const r of pts) out.push(`<circle cx="${px(r.size).toFixed(1)}" cy="${py(side === "ours" ? r.oursMsPerResource : r.floorMsPerResource).toFixed(1)}" r="2.5" fill="${COLOURS[v] ?? "#000"}"/>`);
      }
    }
  });
  // Legend.
  let lx = 12;
  const ly = H + 22;
  for (const v of verbs) {
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${COLOURS[v] ?? "#000"}" stroke-width="2"/><text x="${lx + 26}" y="${ly + 4}">${v}</text>`);
    lx += 90;
  }
  out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="#444" stroke-width="2"/><text x="${lx + 26}" y="${ly + 4}">trustplane</text>`);
  lx += 100;
  out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="#444" stroke-width="2" stroke-dasharray="5,4"/><text x="${lx + 26}" y="${ly + 4}">engine floor (do-nothing resources)</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

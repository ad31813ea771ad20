/**
 * Loss curves a person can look at: an SVG chart (losses and discriminator outputs against the step,
 * raw values faint, a moving average bold) embedded in curves.html, also rendered to curves.png.
 */
import sharp from 'sharp';

export interface CurvePoint {
  readonly step: number;
  readonly lossD: number;
  readonly lossG: number;
  readonly dReal: number;
  readonly dFake: number;
}

function movingAverage(xs: number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i]!;
    if (i >= window) sum -= xs[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: number[];
}

function panel(title: string, steps: number[], series: Series[], x0: number, y0: number, w: number, h: number, yFixed?: [number, number]): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let [lo, hi] = yFixed ?? [Math.min(...all, 0), Math.max(...all, 1e-6)];
  if (hi - lo < 1e-9) hi = lo + 1;
  const sMin = steps[0] ?? 0;
  const sMax = Math.max(steps[steps.length - 1] ?? 1, sMin + 1);
  const px = (s: number) => x0 + ((s - sMin) / (sMax - sMin)) * w;
  const py = (v: number) => y0 + h - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * h;
  const path = (vals: number[]) =>
    vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${px(steps[i]!).toFixed(1)},${py(v).toFixed(1)}`).join('');
  const smooth = Math.max(1, Math.round(steps.length / 50));
  let out = `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="#fff" stroke="#ccc"/>`;
  out += `<text x="${x0}" y="${y0 - 8}" font-size="14" font-family="sans-serif">${title}</text>`;
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    out += `<line x1="${x0}" x2="${x0 + w}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`;
    out += `<text x="${x0 - 6}" y="${py(v) + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${v.toFixed(2)}</text>`;
  }
  out += `<text x="${x0}" y="${y0 + h + 16}" font-size="11" font-family="sans-serif">step ${sMin}</text>`;
  out += `<text x="${x0 + w}" y="${y0 + h + 16}" font-size="11" text-anchor="end" font-family="sans-serif">${sMax}</text>`;
  series.forEach((s, i) => {
    out += `<path d="${path(s.values)}" fill="none" stroke="${s.color}" stroke-opacity="0.25" stroke-width="1"/>`;
    out += `<path d="${path(movingAverage(s.values, smooth))}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
    out += `<rect x="${x0 + 10 + i * 110}" y="${y0 + 8}" width="12" height="12" fill="${s.color}"/>`;
    out += `<text x="${x0 + 26 + i * 110}" y="${y0 + 18}" font-size="12" font-family="sans-serif">${s.name}</text>`;
  });
  return out;
}

export function curvesSvg(points: readonly CurvePoint[], title = 'genforge training'): string {
  const steps = points.map((p) => p.step);
  const W = 900;
  const H = 620;
  let body = `<text x="20" y="26" font-size="18" font-family="sans-serif">${title}</text>`;
  body += panel('losses', steps, [
    { name: 'L_D', color: '#d62728', values: points.map((p) => p.lossD) },
    { name: 'L_G', color: '#1f77b4', values: points.map((p) => p.lossG) },
  ], 70, 60, 800, 220);
  body += panel('discriminator output (mean probability)', steps, [
    { name: 'D(x)', color: '#2ca02c', values: points.map((p) => p.dReal) },
    { name: 'D(G(z))', color: '#9467bd', values: points.map((p) => p.dFake) },
  ], 70, 350, 800, 220, [0, 1]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="#fafafa"/>${body}</svg>`;
}

export function curvesHtml(svg: string, title: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif">${svg}<p>Raw values faint, moving average bold. Data: metrics.jsonl.</p></body></html>`;
}

export async function curvesPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

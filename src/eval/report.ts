/**
 * Presenting an EvalReport: a table for the terminal, and for a run folder eval.json + eval.html (numbers
 * beside their real-data baselines, the sample grid, the closest sample/training pairs as images, the
 * training curves), both written atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { gridPng } from '../train/samples.js';
import type { EvalReport, Images, RunEvaluation, SetScores } from './evaluate.js';
import { pickImages, runEvalPaths } from './evaluate.js';

interface Row {
  readonly label: string;
  readonly better: '↓' | '↑' | '';
  readonly get: (s: SetScores) => number | null;
  readonly digits: number;
  readonly meaning: string;
}

const ROWS: readonly Row[] = [
  { label: 'FID', better: '↓', get: (s) => s.fid, digits: 3, meaning: 'Fréchet distance of feature Gaussians (quality and diversity)' },
  { label: 'KID', better: '↓', get: (s) => s.kid, digits: 5, meaning: 'kernel MMD², unbiased (can be slightly < 0)' },
  { label: 'KID std', better: '', get: (s) => s.kid_std, digits: 5, meaning: 'spread of KID over the subsets' },
  { label: 'precision', better: '↑', get: (s) => s.precision, digits: 3, meaning: 'share of samples inside the real manifold (k=3)' },
  { label: 'recall', better: '↑', get: (s) => s.recall, digits: 3, meaning: 'share of real images inside the sample manifold (k=3)' },
  { label: 'density', better: '↑', get: (s) => s.density, digits: 3, meaning: 'how many real neighbourhoods hold a sample, ≈1 for real data (k=5)' },
  { label: 'coverage', better: '↑', get: (s) => s.coverage, digits: 3, meaning: 'share of real neighbourhoods with a sample in them (k=5)' },
  { label: 'Inception Score', better: '↑', get: (s) => s.inception_score, digits: 3, meaning: 'confident and varied class predictions (1..classes)' },
  { label: 'classes covered', better: '↑', get: (s) => s.classes_covered, digits: 0, meaning: 'classes with ≥ 10 % of their uniform share' },
  { label: 'near-copy share', better: '↓', get: (s) => s.near_copy_share, digits: 4, meaning: 'closer to a training image than 99 % of test images' },
  { label: 'NN distance ratio', better: '', get: (s) => s.nn_distance_ratio, digits: 3, meaning: 'median nearest-train distance, samples ÷ test; ≪ 1 = copying' },
];

function fmt(v: number | null, digits: number): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  return digits === 0 ? String(v) : v.toFixed(digits);
}

/** The report as an aligned text table, with the baseline column when there is one. */
export function formatTable(r: EvalReport): string {
  const head = ['metric', '', `model (n=${r.n.toLocaleString('en-US')})`];
  if (r.baseline) head.push(`real test vs train (n=${r.baseline.n.toLocaleString('en-US')})`);
  const rows = ROWS.filter((row) => row.get(r) !== null).map((row) => {
    const cells = [row.label, row.better, fmt(row.get(r), row.digits)];
    if (r.baseline) cells.push(fmt(row.get(r.baseline), row.digits));
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (r.class_histogram && r.class_names) {
    out.push('', `class histogram: ${r.class_histogram.map((c, j) => `${r.class_names![j]}:${c}`).join(' ')}`);
    if (r.missing_classes && r.missing_classes.length) {
      out.push(`missing classes: ${r.missing_classes.map((j) => r.class_names![j]).join(', ')}`);
    }
  }
  if (r.label_agreement !== null) out.push(`label agreement: ${(100 * r.label_agreement).toFixed(1)} %`);
  if (r.memorization) {
    const m = r.memorization;
    out.push(
      `memorization (${m.space}, ${m.train_searched.toLocaleString('en-US')} of ${m.train_total.toLocaleString('en-US')} training images): ` +
        `${m.near_copies} near copies (${(100 * m.near_copy_share).toFixed(2)} %, ~${m.percentile} % expected without copying)`,
    );
  }
  if (r.evaluator) out.push(`evaluator: ${r.evaluator.description}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const dataUri = (png: Uint8Array): string => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

export interface HtmlAssets {
  readonly samplesPng?: Uint8Array;
  /** Rows of (generated | nearest training image). */
  readonly pairsPng?: Uint8Array;
  readonly curvesSvg?: string;
}

/** A self-contained HTML page (images inlined) for one report. */
export function evalHtml(r: EvalReport, assets: HtmlAssets = {}): string {
  const title = `genforge eval: ${r.source.path ?? r.dataset}${r.source.step !== undefined ? ` (step ${r.source.step})` : ''}`;
  const rows = ROWS.filter((row) => row.get(r) !== null)
    .map((row) => {
      const base = r.baseline ? `<td>${fmt(row.get(r.baseline), row.digits)}</td>` : '';
      return `<tr><th>${esc(row.label)} ${row.better}</th><td><b>${fmt(row.get(r), row.digits)}</b></td>${base}<td class="m">${esc(row.meaning)}</td></tr>`;
    })
    .join('\n');
  const hist =
    r.class_histogram && r.class_names
      ? `<h2>Class histogram</h2><table><tr>${r.class_names.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>` +
        `<tr>${r.class_histogram.map((c) => `<td>${c}</td>`).join('')}</tr>` +
        (r.baseline?.class_histogram ? `<tr>${r.baseline.class_histogram.map((c) => `<td class="m">${c}</td>`).join('')}</tr>` : '') +
        `</table><p class="m">Top row: samples; ${r.baseline ? 'bottom row: real training images (baseline). ' : ''}Predicted by the evaluator.</p>`
      : '';
  const m = r.memorization;
  const mem = m
    ? `<h2>Memorization</h2><p>${m.near_copies} of ${r.n} samples (${(100 * m.near_copy_share).toFixed(2)} %) are closer to a training image ` +
      `than ${100 - m.percentile} % of test images are (threshold ${m.threshold.toFixed(4)} in ${m.space} space; about ${m.percentile} % ` +
      `is expected without copying). Median distance to the nearest training image: samples ${m.median_generated_to_train.toFixed(4)}, ` +
      `test ${m.median_test_to_train.toFixed(4)} (ratio ${m.ratio.toFixed(3)}). Searched ${m.train_searched.toLocaleString('en-US')} of ` +
      `${m.train_total.toLocaleString('en-US')} training images.</p>` +
      (assets.pairsPng
        ? `<p>Closest pairs, closest first (left: sample, right: nearest training image):</p><img class="px" src="${dataUri(assets.pairsPng)}">` +
          `<table><tr><th>sample</th><th>train index</th><th>distance</th></tr>${m.closest
            .map((p) => `<tr><td>${p.generated}</td><td>${p.train}</td><td>${p.distance.toFixed(4)}</td></tr>`)
            .join('')}</table>`
        : '')
    : '';
  const ev = r.evaluator ? `<p>Evaluator: ${esc(r.evaluator.description)}${r.evaluator.dir ? ` (<code>${esc(r.evaluator.dir)}</code>)` : ''}.</p>` : '';
  const notes = r.notes.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const s = r.settings;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right}
th{text-align:left}.m{color:#777;text-align:left}img.px{image-rendering:pixelated;max-width:100%}code{font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${r.n.toLocaleString('en-US')} samples against the ${esc(r.dataset)} test split (${s.real_test.toLocaleString('en-US')} images); created ${esc(r.createdAt)} by genforge ${esc(r.toolkitVersion)}.</p>
${ev}
<table><tr><th>metric</th><th>model</th>${r.baseline ? `<th>${esc(r.baseline.what)}</th>` : ''}<th class="m">meaning</th></tr>
${rows}
</table>
<p class="m">KID: ${s.kid_subsets} subsets of ${s.kid_subset_size || 'all'}; precision/recall k=${s.k_precision_recall}; density/coverage k=${s.k_density_coverage}; Inception Score over ${s.is_splits} splits; seed ${s.seed}.</p>
${notes}
${hist}
${assets.samplesPng ? `<h2>Samples</h2><img class="px" src="${dataUri(assets.samplesPng)}">` : ''}
${mem}
${assets.curvesSvg ? `<h2>Training curves</h2>${assets.curvesSvg}` : ''}
<h2>Timings (s)</h2><p>${Object.entries(r.timings_s).map(([k, v]) => `${esc(k)} ${v}`).join(', ')}</p>
</body></html>
`;
}

/** PNG of the closest pairs: one row per pair, sample left, nearest training image right. */
export async function pairsPng(r: EvalReport, samples: Images, train: Images): Promise<Buffer | null> {
  const pairs = r.memorization?.closest ?? [];
  if (pairs.length === 0) return null;
  const { height: h, width: w, channels: c } = samples;
  const size = h * w * c;
  const px = new Uint8Array(2 * pairs.length * size);
  pairs.forEach((p, i) => {
    px.set(samples.pixels.subarray(p.generated * size, (p.generated + 1) * size), 2 * i * size);
    px.set(pickImages(train, [p.train]), (2 * i + 1) * size);
  });
  return gridPng(px, 2 * pairs.length, h, w, c, { cols: 2 });
}

/** Write eval.json and eval.html into the run folder (atomically); returns their paths. */
export async function writeRunEval(runDir: string, ev: RunEvaluation): Promise<{ json: string; html: string }> {
  const paths = runEvalPaths(runDir);
  const { report, samples, context } = ev;
  const runSamples = join(runDir, 'samples.png');
  const samplesPng = existsSync(runSamples)
    ? readFileSync(runSamples)
    : await gridPng(samples.pixels.subarray(0, Math.min(64, samples.count) * samples.height * samples.width * samples.channels), Math.min(64, samples.count), samples.height, samples.width, samples.channels, { cols: 8 });
  const pairs = await pairsPng(report, samples, context.train);
  const curves = join(runDir, 'curves.svg');
  const assets: HtmlAssets = {
    samplesPng,
    ...(pairs ? { pairsPng: pairs } : {}),
    ...(existsSync(curves) ? { curvesSvg: readFileSync(curves, 'utf8') } : {}),
  };
  writeFileAtomic(paths.json, JSON.stringify(report, null, 2) + '\n');
  writeFileAtomic(paths.html, evalHtml(report, assets));
  return paths;
}

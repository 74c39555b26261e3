import type { BlockSummary } from '../api.ts';
import { formatDifficulty, formatDuration } from '../lib/format.ts';

const WIDTH = 600;
const HEIGHT = 160;
// The SVG stretches to its box (preserveAspectRatio none), so its text would stretch too: the
// labels are HTML around it, at a readable size whatever the width.
const PAD = { left: 4, right: 4, top: 6, bottom: 2 };

interface Series {
  readonly label: string;
  readonly values: readonly { x: number; y: number }[];
  readonly format: (value: number) => string;
  readonly kind: 'bars' | 'line';
}

/** A small SVG chart with its numbers also given as text (min, average, max). */
function Chart({ series, summary }: { series: Series; summary: string }) {
  const { values } = series;
  if (values.length < 2) return <p class="muted">Not enough blocks yet for “{series.label}”.</p>;
  const ys = values.map((v) => v.y);
  const max = Math.max(...ys, 0) || 1;
  const minX = values[0]!.x;
  const maxX = values[values.length - 1]!.x;
  const spanX = maxX - minX || 1;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + ((x - minX) / spanX) * innerW;
  const py = (y: number) => PAD.top + innerH - (y / max) * innerH;
  const barWidth = Math.max(1, innerW / values.length - 1);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${series.label}: ${summary}`}
        preserveAspectRatio="none"
      >
        <line class="axis" x1={PAD.left} y1={PAD.top + innerH} x2={WIDTH - PAD.right} y2={PAD.top + innerH} />
        <line class="grid" x1={PAD.left} y1={PAD.top} x2={WIDTH - PAD.right} y2={PAD.top} />
        {series.kind === 'bars' ? (
          values.map((v) => (
            <rect
              key={v.x}
              class="bar"
              x={px(v.x) - barWidth / 2}
              y={py(v.y)}
              width={barWidth}
              height={Math.max(0.5, PAD.top + innerH - py(v.y))}
            >
              <title>{`Block #${v.x}: ${series.format(v.y)}`}</title>
            </rect>
          ))
        ) : (
          <polyline class="line" points={values.map((v) => `${px(v.x)},${py(v.y)}`).join(' ')} />
        )}
      </svg>
      <div class="chart-axis" aria-hidden="true">
        <span class="chart-label">max {series.format(max)}</span>
        <span class="chart-label">
          blocks #{minX}–#{maxX}
        </span>
      </div>
      <figcaption>
        <strong>{series.label}</strong> — {summary}
      </figcaption>
    </figure>
  );
}

/** Block times (seconds between consecutive blocks, from block 1 on) and difficulty over recent blocks. */
export function BlockCharts({ blocks }: { blocks: readonly BlockSummary[] }) {
  const ascending = [...blocks].sort((a, b) => a.height - b.height);
  const intervals: { x: number; y: number }[] = [];
  for (let i = 1; i < ascending.length; i++) {
    const block = ascending[i]!;
    const previous = ascending[i - 1]!;
    // Genesis carries a fixed old timestamp: the gap to block 1 says nothing about block times.
    if (block.height === previous.height + 1 && previous.height > 0)
      intervals.push({ x: block.height, y: Math.max(0, block.timestamp - previous.timestamp) });
  }
  const difficulty = ascending.map((block) => ({ x: block.height, y: block.difficulty }));
  const stats = (values: readonly { y: number }[], format: (n: number) => string) => {
    if (values.length === 0) return 'no data';
    const ys = values.map((v) => v.y);
    const average = ys.reduce((sum, y) => sum + y, 0) / ys.length;
    return `min ${format(Math.min(...ys))}, average ${format(average)}, max ${format(Math.max(...ys))} over ${ys.length} blocks`;
  };
  return (
    <div class="charts">
      <Chart
        series={{ label: 'Block times', values: intervals, format: formatDuration, kind: 'bars' }}
        summary={stats(intervals, formatDuration)}
      />
      <Chart
        series={{ label: 'Difficulty', values: difficulty, format: formatDifficulty, kind: 'line' }}
        summary={stats(difficulty, formatDifficulty)}
      />
    </div>
  );
}

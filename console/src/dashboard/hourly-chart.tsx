import { runStatusTone } from "../format/enums";
import { CHART_STATUSES, type HourBar } from "./hours";

const BAR = 22;
const GAP = 6;
const HEIGHT = 160;
const AXIS = 28;

const hourLabel = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:00`;

/**
 * Runs per hour by status as stacked SVG bars (plain SVG: a few dozen rectangles need no chart
 * library), a legend, and the same figures as a table for screen readers.
 */
export function HourlyChart({ bars }: { bars: readonly HourBar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.total));
  const width = bars.length * (BAR + GAP) + GAP;
  return (
    <figure className="hourly-chart">
      <svg
        data-testid="hourly-chart"
        role="img"
        aria-label={`Runs per hour over the last ${bars.length} hours, ${bars.reduce((a, b) => a + b.total, 0)} in all`}
        viewBox={`0 0 ${width} ${HEIGHT + AXIS}`}
        width={width}
        height={HEIGHT + AXIS}
      >
        <line x1={0} x2={width} y1={HEIGHT} y2={HEIGHT} className="chart-axis" />
        {bars.map((bar, i) => {
          const x = GAP + i * (BAR + GAP);
          let y = HEIGHT;
          return (
            <g key={bar.start.getTime()} data-hour={bar.start.toISOString()}>
              <title>{`${hourLabel(bar.start)} UTC: ${bar.total} runs${CHART_STATUSES.filter((s) =>
                bar.counts.get(s.status),
              )
                .map((s) => `, ${bar.counts.get(s.status)} ${s.name}`)
                .join("")}`}</title>
              {CHART_STATUSES.map(({ status }) => {
                const n = bar.counts.get(status) ?? 0;
                if (n === 0) return null;
                const h = (n / max) * (HEIGHT - 8);
                y -= h;
                return (
                  <rect
                    key={status}
                    x={x}
                    y={y}
                    width={BAR}
                    height={h}
                    className={`bar tone-fill-${runStatusTone(status)}`}
                  />
                );
              })}
              {i % 3 === 0 && (
                <text x={x + BAR / 2} y={HEIGHT + 18} textAnchor="middle" className="chart-label">
                  {hourLabel(bar.start)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {CHART_STATUSES.map(({ status, name }) => (
            <li key={status}>
              <span className={`legend-swatch tone-fill-${runStatusTone(status)}`} aria-hidden="true" />{" "}
              {name}
            </li>
          ))}
        </ul>
        Hours in UTC; the tallest bar is {max} runs.
      </figcaption>
    </figure>
  );
}

/**
 * Compiles per day as a server-rendered SVG bar chart: succeeded stacked under failed, with a
 * count axis, the first/middle/last dates, a legend, and a sentence instead of bars when empty.
 * Axis labels are HTML beside the SVG, which stretches to the card's width and would distort text.
 */
import type { DailyCount } from "~/services/usage.server";

const WIDTH = 600;
const HEIGHT = 160;
const GAP = 2;

/** A round top for the count axis: 1, 2, 5, 10, 20, 50 … at or above the busiest day. */
function axisTop(peak: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, peak)));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((top) => top >= peak) ?? 10 * magnitude;
}

const shortDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

export function CompileChart({ days }: { days: DailyCount[] }) {
  const total = days.reduce((sum, day) => sum + day.succeeded + day.failed, 0);
  const failed = days.reduce((sum, day) => sum + day.failed, 0);
  const top = axisTop(Math.max(...days.map((day) => day.succeeded + day.failed)));
  const barWidth = WIDTH / days.length - GAP;
  const scale = (count: number) => (count / top) * HEIGHT;
  const summary = `${total} compiles in the last ${days.length} days`;
  if (total === 0) {
    return (
      <p className="text-slate-600 dark:text-slate-400" data-testid="compile-chart">
        No compiles in the last {days.length} days. Compiles from the playground and the API show up here by day.
      </p>
    );
  }
  const ticks = [top, top / 2, 0];
  return (
    <figure>
      <div className="flex gap-2">
        <div
          className="flex h-40 flex-col justify-between text-right text-xs text-slate-600 tabular-nums dark:text-slate-400"
          aria-hidden="true"
        >
          {ticks.map((tick) => (
            <span key={tick} className="-my-1.5 leading-3">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </span>
          ))}
        </div>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          className="h-40 min-w-0 grow"
          role="img"
          aria-labelledby="compile-chart-title"
          data-testid="compile-chart"
        >
          <title id="compile-chart-title">{summary}</title>
          {ticks.map((tick) => (
            <line
              key={tick}
              x1="0"
              x2={WIDTH}
              y1={HEIGHT - scale(tick) + (tick === 0 ? -0.5 : 0.5)}
              y2={HEIGHT - scale(tick) + (tick === 0 ? -0.5 : 0.5)}
              className={
                tick === 0 ? "stroke-slate-400 dark:stroke-slate-600" : "stroke-slate-200 dark:stroke-slate-800"
              }
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {days.map((day, index) => {
            const x = index * (barWidth + GAP);
            const ok = scale(day.succeeded);
            const bad = scale(day.failed);
            return (
              <g key={day.day}>
                <title>{`${day.day}: ${day.succeeded} succeeded, ${day.failed} failed`}</title>
                <rect x={x} y={HEIGHT - ok} width={barWidth} height={ok} className="fill-brand-500" />
                <rect x={x} y={HEIGHT - ok - bad} width={barWidth} height={bad} className="fill-red-500" />
              </g>
            );
          })}
        </svg>
      </div>
      <div className="mt-1 flex justify-between pl-8 text-xs text-slate-600 dark:text-slate-400" aria-hidden="true">
        <span>{shortDay(days[0].day)}</span>
        <span>{shortDay(days[Math.floor(days.length / 2)].day)}</span>
        <span>{shortDay(days[days.length - 1].day)}</span>
      </div>
      <figcaption className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
        <span>
          {summary} ({days[0].day} – {days[days.length - 1].day}), {failed} failed.
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-brand-500" /> Succeeded
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-red-500" /> Failed
        </span>
      </figcaption>
    </figure>
  );
}

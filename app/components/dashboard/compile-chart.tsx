/** Compiles per day as a server-rendered SVG bar chart: succeeded stacked under failed. */
import type { DailyCount } from "~/services/usage.server";

const WIDTH = 600;
const HEIGHT = 160;
const GAP = 2;

export function CompileChart({ days }: { days: DailyCount[] }) {
  const total = days.reduce((sum, day) => sum + day.succeeded + day.failed, 0);
  const peak = Math.max(1, ...days.map((day) => day.succeeded + day.failed));
  const barWidth = WIDTH / days.length - GAP;
  const scale = (count: number) => (count / peak) * (HEIGHT - 20);
  return (
    <figure>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="h-40 w-full"
        role="img"
        aria-labelledby="compile-chart-title"
        data-testid="compile-chart"
      >
        <title id="compile-chart-title">{`${total} compiles in the last ${days.length} days`}</title>
        <line
          x1="0"
          y1={HEIGHT - 0.5}
          x2={WIDTH}
          y2={HEIGHT - 0.5}
          className="stroke-slate-300 dark:stroke-slate-700"
        />
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
      <figcaption className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        {total} compiles in the last {days.length} days ({days[0]?.day} – {days.at(-1)?.day}).
      </figcaption>
    </figure>
  );
}

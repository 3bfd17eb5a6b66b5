import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type Series = { readonly label: string; readonly values: readonly number[]; readonly color: string };

/**
 * A line chart of hourly counts (uPlot: small, canvas, no inline style). Loaded only by pages
 * that draw one. The canvas is hidden from screen readers: each chart's caller also gives the
 * figures as a table.
 */
export default function Chart({
  hours,
  series,
  height = 180,
}: {
  hours: readonly string[];
  series: readonly Series[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = hours.map((h) => Date.parse(`${h}:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
        axes: [{}, { size: 40 }],
        legend: { show: true },
      },
      [xs, ...series.map((s) => [...s.values])],
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(300, el.clientWidth), height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [hours, series, height]);
  return <div ref={box} aria-hidden="true" className="chart" />;
}

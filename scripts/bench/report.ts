// From the rounds' raw measurements to the figures the bench prints: medians
// over rounds, latency added over the direct call in the same round, and every
// figure as a ratio to the plain yoga build measured in the same run.
import { percentile, type LoadResult } from "./load.js";

export interface Measured {
  rps: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  requests: number;
  cpuUsPerRequest: number | null;
  firstError: string | null;
}

export function measured(result: LoadResult, cpuUs: number | null): Measured {
  const sorted = result.latenciesUs.slice().sort();
  return {
    rps: (result.requests / result.elapsedMs) * 1000,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    errors: result.errors,
    requests: result.requests,
    cpuUsPerRequest: cpuUs === null ? null : cpuUs / Math.max(1, result.requests),
    firstError: result.firstError,
  };
}

export const median = (values: number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
};

/** One contender at one connection count, over all rounds. */
export interface Summary {
  rps: number;
  p50Us: number;
  p99Us: number;
  /** Median over rounds of (this p50 − the direct call's p50 in the same round); null for the direct call. */
  p50AddedUs: number | null;
  p99AddedUs: number | null;
  cpuUsPerRequest: number | null;
  errors: number;
  requests: number;
  firstError: string | null;
}

export function summarize(rounds: Measured[], direct: Measured[] | null): Summary {
  const added = (pick: (m: Measured) => number): number | null => {
    if (direct === null) return null;
    return median(
      rounds.map((m, i) => {
        const d = direct[i];
        return d === undefined ? NaN : pick(m) - pick(d);
      }),
    );
  };
  const cpu = rounds.map((m) => m.cpuUsPerRequest);
  return {
    rps: median(rounds.map((m) => m.rps)),
    p50Us: median(rounds.map((m) => m.p50Us)),
    p99Us: median(rounds.map((m) => m.p99Us)),
    p50AddedUs: added((m) => m.p50Us),
    p99AddedUs: added((m) => m.p99Us),
    cpuUsPerRequest: cpu.every((c) => c === null) ? null : median(cpu.map((c) => c ?? NaN)),
    errors: rounds.reduce((n, m) => n + m.errors, 0),
    requests: rounds.reduce((n, m) => n + m.requests, 0),
    firstError: rounds.find((m) => m.firstError)?.firstError ?? null,
  };
}

export const DIRECT = "direct";
export const YARDSTICK = "plain-yoga";

/** Per connection count, per contender (DIRECT, YARDSTICK and each gateway configuration). */
export type Summaries = Record<number, Record<string, Summary>>;

export interface Figure {
  label: string;
  /** The contender's value, or null where it does not apply. */
  value(contender: string): number | null;
  digits?: number;
}

export function figures(connections: readonly number[], summaries: Summaries, peakRssMiB50: Record<string, number>): Figure[] {
  const conns = (c: number): string => (c === 1 ? "1 conn" : `${c} conns`);
  const at = (c: number, pick: (s: Summary) => number | null) => (contender: string) => {
    const s = summaries[c]?.[contender];
    return s === undefined ? null : pick(s);
  };
  return [
    ...connections.map((c) => ({ label: `CPU µs/request, ${conns(c)}`, value: at(c, (s) => s.cpuUsPerRequest) })),
    ...connections.map((c) => ({ label: `p50 added over direct µs, ${conns(c)}`, value: at(c, (s) => s.p50AddedUs) })),
    ...connections.map((c) => ({ label: `p99 added over direct µs, ${conns(c)}`, value: at(c, (s) => s.p99AddedUs) })),
    { label: "peak RSS MiB, 50 conns", value: (contender: string) => peakRssMiB50[contender] ?? null, digits: 1 },
    ...connections.map((c) => ({ label: `req/s, ${conns(c)}`, value: at(c, (s) => s.rps) })),
    ...connections.map((c) => ({ label: `p50 µs, ${conns(c)}`, value: at(c, (s) => s.p50Us) })),
    ...connections.map((c) => ({ label: `p99 µs, ${conns(c)}`, value: at(c, (s) => s.p99Us) })),
  ];
}

const fmt = (n: number | null, digits = 0): string => (n === null || !Number.isFinite(n) ? "–" : n.toFixed(digits));

export function ratio(value: number | null, yardstick: number | null): number | null {
  // A yardstick figure at or below 0 (noise can make an added latency negative) gives no meaningful ratio.
  return value === null || yardstick === null || !Number.isFinite(value) || !Number.isFinite(yardstick) || yardstick <= 0 ? null : value / yardstick;
}

/** A Markdown table: one row per figure, one column per contender, each gateway cell "absolute (ratio×)". */
export function ratioTable(contenders: readonly string[], rows: Figure[]): string {
  const header = `| figure | ${contenders.join(" | ")} |`;
  const rule = `| --- | ${contenders.map(() => "---:").join(" | ")} |`;
  const body = rows.map((row) => {
    const base = row.value(YARDSTICK);
    const cells = contenders.map((c) => {
      const v = row.value(c);
      const text = fmt(v, row.digits);
      if (c === DIRECT || c === YARDSTICK || v === null) return text;
      return `${text} (${fmt(ratio(v, base), 2)}×)`;
    });
    return `| ${row.label} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...body].join("\n");
}

export interface TargetCheck {
  label: string;
  met: boolean;
  detail: string;
}

/** Every round's measurements, per connection count and contender (DIRECT and YARDSTICK among them), in round order. */
export type Rounds = Record<number, Record<string, Measured[]>>;

/**
 * Round by round, the contender's figure ÷ the plain build's in the same
 * round: the spread a target's ratio of medians hides. The shared machine
 * changes speed for seconds at a time (seen here: every process 1.5× dearer),
 * so one round's contenders can be measured in different phases.
 */
export function roundRatios(rounds: Rounds, connections: number, contender: string, pick: "cpu" | "p50Added"): (number | null)[] {
  const row = rounds[connections];
  const mine = row?.[contender] ?? [];
  return mine.map((m, i) => {
    const y = row?.[YARDSTICK]?.[i];
    const d = row?.[DIRECT]?.[i];
    if (y === undefined) return null;
    if (pick === "cpu") return ratio(m.cpuUsPerRequest, y.cpuUsPerRequest);
    return d === undefined ? null : ratio(m.p50Us - d.p50Us, y.p50Us - d.p50Us);
  });
}

const spread = (ratios: (number | null)[]): string =>
  ratios.length === 0
    ? ""
    : `; round by round ${ratios.map((r) => `${fmt(r, 2)}×`).join(", ")} (median ${fmt(median(ratios.map((r) => r ?? NaN)), 2)}×)`;

/** Issue 13's targets for one gateway configuration, as ratios to the plain build (and, given the rounds, each round's ratio). */
export function targets(contender: string, summaries: Summaries, peakRssMiB50: Record<string, number>, rounds?: Rounds): TargetCheck[] {
  const cpu = ratio(summaries[10]?.[contender]?.cpuUsPerRequest ?? null, summaries[10]?.[YARDSTICK]?.cpuUsPerRequest ?? null);
  const p50 = ratio(summaries[1]?.[contender]?.p50AddedUs ?? null, summaries[1]?.[YARDSTICK]?.p50AddedUs ?? null);
  const rss = peakRssMiB50[contender] ?? NaN;
  const rssYardstick = peakRssMiB50[YARDSTICK] ?? NaN;
  const errors = Object.values(summaries).reduce((n, row) => n + (row[contender]?.errors ?? 0), 0);
  return [
    {
      label: "CPU per request at 10 conns ≤ 0.75× (goal ≤ 0.5×)",
      met: cpu !== null && cpu <= 0.75,
      detail: `${fmt(cpu, 2)}×${rounds ? spread(roundRatios(rounds, 10, contender, "cpu")) : ""}`,
    },
    {
      label: "p50 added at 1 conn ≤ 0.75×",
      met: p50 !== null && p50 <= 0.75,
      detail: `${fmt(p50, 2)}×${rounds ? spread(roundRatios(rounds, 1, contender, "p50Added")) : ""}`,
    },
    {
      label: "peak RSS at 50 conns ≤ 150 MiB and ≤ the plain build's",
      met: rss <= 150 && rss <= rssYardstick,
      detail: `${fmt(rss, 1)} MiB vs ${fmt(rssYardstick, 1)} MiB`,
    },
    { label: "0 errors", met: errors === 0, detail: String(errors) },
  ];
}

/** One configuration of the attribution measured round by round beside production. */
export interface AttributionPair {
  name: string;
  description: string;
  production: Measured[];
  row: Measured[];
}

/**
 * What each left-out part costs. Per round, the share of production's CPU
 * µs/request the row saves, against the production twin measured right beside
 * it: (production − row) ÷ production, so that a round when the shared machine
 * runs slow (seen here: everything 2× for minutes) weighs like any other. The
 * median and range of those shares over rounds, then as µs and as a ratio to the
 * plain build through the main rounds' production figure and ratio.
 */
export function attributionTable(pairs: readonly AttributionPair[], productionCpu: number | null, yardstickCpu: number | null): string {
  const pct = (share: number): string => `${fmt(share * 100, 1)}%`;
  const productionRatio = ratio(productionCpu, yardstickCpu);
  const lines = [
    `| configuration | what it leaves out | share of production's CPU it costs (range over rounds) | µs/request | ÷ ${YARDSTICK} |`,
    "| --- | --- | ---: | ---: | ---: |",
    `| production | nothing: CPU µs/request in the main rounds | – | ${fmt(productionCpu)} | ${fmt(productionRatio, 2)}× |`,
  ];
  for (const pair of pairs) {
    const shares = pair.production
      .map((m, i) => {
        const base = m.cpuUsPerRequest ?? NaN;
        return (base - (pair.row[i]?.cpuUsPerRequest ?? NaN)) / base;
      })
      .filter((share) => Number.isFinite(share));
    const share = median(shares);
    const range = shares.length > 0 ? `${pct(Math.min(...shares))} … ${pct(Math.max(...shares))}` : "–";
    const us = productionCpu === null ? null : share * productionCpu;
    const ofYardstick = productionRatio === null ? null : share * productionRatio;
    lines.push(`| ${pair.name} | ${pair.description} | ${pct(share)} (${range}) | ${fmt(us)} | ${fmt(ofYardstick, 3)}× |`);
  }
  return lines.join("\n");
}

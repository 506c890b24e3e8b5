// The series of an interval into a prom-client registry, written as OpenMetrics 1.0 text. prom-client is
// the registry's standard Node client: it names counters (`_total`), writes HELP and TYPE and escapes label
// values (backslash, quote, newline) as the format asks; mmtop only says which series hold which value.
import { Counter, Gauge, Registry, type OpenMetricsContentType } from 'prom-client';
import { FAMILIES, type Family } from './families.js';
import type { Series } from './series.js';

export const CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

export interface Exposition {
  /** Replaces every series with these (the interval's whole picture: a series not in it is gone). */
  replace(series: readonly Series[]): void;
  /** Sets series without touching the others (mmtop's scrape counters, between samples). */
  set(series: readonly Series[]): void;
  /**
   * The OpenMetrics text of the series last given. prom-client's metrics() awaits nothing but already
   * settled promises (no collect callbacks here), so it completes in one microtask run: a sample, which
   * runs from a timer, can never land in the middle of a render.
   */
  render(): Promise<string>;
}

type Metric = { kind: 'gauge'; metric: Gauge<string> } | { kind: 'counter'; metric: Counter<string> };

export function createExposition(families: readonly Family[] = FAMILIES): Exposition {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const metrics = new Map<string, Metric>();
  const unlabelled = new Set<Metric>();
  for (const family of families) {
    const config = { name: family.name, help: family.help, labelNames: [...family.labels], registers: [registry] };
    metrics.set(family.name, family.type === 'counter'
      ? { kind: 'counter', metric: new Counter(config) }
      : { kind: 'gauge', metric: new Gauge(config) });
    if (family.labels.length === 0) unlabelled.add(metrics.get(family.name)!);
  }
  // Until the first sample, nothing: not a 0 for every figure without labels.
  for (const m of unlabelled) m.metric.remove({});
  return {
    replace(series) {
      // Synchronous from the reset to the last value: a scrape (render) never sees half an interval.
      registry.resetMetrics();
      // prom-client's reset gives a metric without labels the value 0 (lib/gauge.js, lib/counter.js reset):
      // a system figure mmtop could not read would be exported as 0. Removed: only what was read is there.
      for (const m of metrics.values()) if (unlabelled.has(m)) m.metric.remove({});
      for (const s of series) {
        const m = metrics.get(s.family);
        if (!m) throw new Error(`no metric family ${s.family}`);
        // A counter carries the kernel's own count: after the reset, one inc by it is that value.
        if (m.kind === 'counter') m.metric.inc(s.labels, s.value);
        else m.metric.set(s.labels, s.value);
      }
    },
    set(series) {
      for (const s of series) {
        const m = metrics.get(s.family);
        if (!m) throw new Error(`no metric family ${s.family}`);
        if (m.kind === 'counter') {
          m.metric.remove(s.labels);
          m.metric.inc(s.labels, s.value);
        } else m.metric.set(s.labels, s.value);
      }
    },
    render: () => registry.metrics(),
  };
}

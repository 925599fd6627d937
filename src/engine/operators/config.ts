/**
 * @module engine/operators/config
 * Reading validated node configs. The validator has filled defaults and checked
 * types, so these only narrow `unknown` and convert durations.
 */
import { parseDuration } from '../../spec/duration';

export function durationMs(config: Record<string, unknown>, field: string, fallback?: number): number {
  const v = config[field];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`config.${field} is required`);
  }
  const d = parseDuration(v);
  if (!d.ok) throw new Error(`config.${field}: ${d.message}`);
  return d.ms;
}

export function str(config: Record<string, unknown>, field: string): string | undefined {
  const v = config[field];
  return typeof v === 'string' ? v : undefined;
}

export function strOr<T extends string>(config: Record<string, unknown>, field: string, fallback: T): T {
  const v = config[field];
  return typeof v === 'string' ? (v as T) : fallback;
}

export function stringMap(config: Record<string, unknown>, field: string): Record<string, string> {
  const v = config[field];
  return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};
}

export function stringList(config: Record<string, unknown>, field: string): string[] | undefined {
  const v = config[field];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

export function groupByOf(config: Record<string, unknown>): string | string[] | undefined {
  const v = config['groupBy'];
  return typeof v === 'string' || Array.isArray(v) ? (v as string | string[]) : undefined;
}

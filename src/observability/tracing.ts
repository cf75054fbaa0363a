import { ConfigurationError, isPagoEfectivoKitError } from '../errors.js';

/** Span attribute values the kit sets: ids, statuses, counts and amounts in minor units, never payer data. */
export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * The part of an OpenTelemetry `Span` the kit uses. Declared structurally so that no entry of the kit
 * imports `@opentelemetry/api` (an optional peer): a `Span` of `@opentelemetry/api` 1.x fits.
 */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/**
 * The part of an OpenTelemetry `Tracer` the kit uses: pass `trace.getTracer('pagoefectivo-kit')`.
 * `startActiveSpan` makes each span the parent of what runs inside it (with the context manager your
 * OpenTelemetry SDK registers), so `createCip` nests under `issue`.
 */
export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(
    name: string,
    options: { kind?: number; attributes?: SpanAttributes },
    fn: F,
  ): ReturnType<F>;
}

/** `SpanKind` values of `@opentelemetry/api`, copied so the API package need not be loaded. */
export const SPAN_KIND = { internal: 0, server: 1, client: 2 } as const;
/** `SpanStatusCode.ERROR` of `@opentelemetry/api`. */
const STATUS_ERROR = 2;

/**
 * Check a `tracer` option.
 * @throws {ConfigurationError} when it is given but has no `startActiveSpan`.
 */
export function resolveTracer(tracer: unknown, where: string): TracerLike | null {
  if (tracer === undefined || tracer === null) return null;
  if (typeof (tracer as TracerLike).startActiveSpan !== 'function') {
    throw new ConfigurationError(
      `${where}: tracer must be an OpenTelemetry Tracer, e.g. trace.getTracer('pagoefectivo-kit').`,
      { details: { option: 'tracer' } },
    );
  }
  return tracer as TracerLike;
}

/** Run `fn` and swallow what it throws: telemetry must never change the outcome of a payment operation. */
export function quietly(fn: () => void): void {
  try {
    fn();
  } catch {}
}

/** Drop attributes whose value is unknown (`null`/`undefined`), which OpenTelemetry would reject anyway. */
export function attributes(values: Record<string, string | number | boolean | null | undefined>): SpanAttributes {
  const out: SpanAttributes = {};
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

/**
 * Run `run` inside a span named `name` (or without one when `tracer` is null). Failures are recorded
 * as the error's code only: messages may quote input, and span data must stay free of personal data.
 * A tracer that throws costs the span, never the call.
 */
export function withSpan<T>(
  tracer: TracerLike | null,
  name: string,
  options: { kind?: number; attributes?: SpanAttributes },
  run: (span: SpanLike | null) => Promise<T>,
  annotate?: (result: T, span: SpanLike) => void,
): Promise<T> {
  if (tracer === null) return run(null);
  let pending: Promise<T> | undefined;
  const traced = async (span: SpanLike): Promise<T> => {
    try {
      const result = await run(span);
      if (annotate) quietly(() => annotate(result, span));
      return result;
    } catch (error) {
      quietly(() => {
        const code = isPagoEfectivoKitError(error) ? error.code : 'internal_error';
        span.setAttribute('pagoefectivo.error_code', code);
        span.setStatus({ code: STATUS_ERROR, message: code });
      });
      throw error;
    } finally {
      quietly(() => span.end());
    }
  };
  try {
    const returned = tracer.startActiveSpan(name, options, (span: SpanLike) => {
      pending = traced(span);
      return pending;
    });
    return pending ?? Promise.resolve(returned as T);
  } catch {
    // The tracer failed before (or after) starting our work: never run the operation twice.
    return pending ?? run(null);
  }
}
